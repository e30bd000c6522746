"""Speed at the size of the city's register: `make bench` (`python -m bench.speed --n N`).

In one run, on the same generated rows (bench/register.py): a plain one-writer Whoosh build,
`import` and `reindex` through the app, SQLite FTS5 with facet counts, and the app's search
through the whole request path (test client: schema, service, index, rows, JSON) on distinct
queries never asked before; then HTTP under gunicorn (gunicorn.conf.py: 2 workers x 4
threads, 8 concurrent clients, bounded) beside Datasette serving the same rows with FTS5
and facets, and beside a bare Flask endpoint. Prints one table of ratios and writes it to
bench/results/. Numbers on a shared machine vary; the ratios are of the same run.
"""

import argparse
import csv
import io
import json
import logging
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from .register import queries, register_csv

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CLIENTS = 8
FACETS = ("category", "district", "rubric", "year")


# -- baselines ---------------------------------------------------------------------------

def plain_whoosh_build(data: bytes, folder: Path) -> float:
    """Seconds to parse the rows and index them with one writer and a plain schema."""
    start = time.perf_counter()
    schema = Schema(id=ID(stored=True, unique=True), name=TEXT(stored=True),
                    products=TEXT(stored=True), description=TEXT(stored=True), owner=TEXT(),
                    category=ID(), district=ID(), kelurahan=ID(), rubric=KEYWORD(),
                    year=KEYWORD())
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), schema)
    with ix.writer() as writer:
        for number, row in enumerate(csv.DictReader(io.StringIO(data.decode()))):
            writer.add_document(
                id=str(number), name=row["name"], products=row["products"],
                description=row["description"], owner=row["owner"],
                category=row["category"], district=row["district"].lower(),
                kelurahan=row["kelurahan"].lower(), rubric=row["rubric"],
                year=row["featured_on"][:4])
    ix.close()
    return time.perf_counter() - start


def fts5_database(data: bytes, path: Path) -> None:
    """Write the rows into SQLite with an FTS5 index (Datasette serves the same file)."""
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE business (id INTEGER PRIMARY KEY, slug TEXT, name TEXT, products TEXT,
            description TEXT, owner TEXT, category TEXT, district TEXT, kelurahan TEXT,
            rubric TEXT, year TEXT, featured_on TEXT);
        CREATE INDEX business_district ON business(district);
        CREATE INDEX business_category ON business(category);
        CREATE VIRTUAL TABLE business_fts USING fts5(name, products, description, owner,
            content='business', content_rowid='id');
    """)
    rows = [(n, r["slug"], r["name"], r["products"], r["description"], r["owner"],
             r["category"], r["district"].lower(), r["kelurahan"], r["rubric"],
             r["featured_on"][:4], r["featured_on"])
            for n, r in enumerate(csv.DictReader(io.StringIO(data.decode())), start=1)]
    db.executemany("INSERT INTO business VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("INSERT INTO business_fts(business_fts) VALUES ('rebuild')")
    db.commit()
    db.close()


def fts5_search(db: sqlite3.Connection, text: str, filters: dict) -> str:
    """One search as a JSON answer: page of 20 by rank, total, four facet counts."""
    where, params = [], []
    source = "business b"
    order = "b.featured_on DESC, b.name"
    words = [w for w in text.split() if w.isalnum()]
    if words:
        source = "business_fts f JOIN business b ON b.id = f.rowid"
        where.append("business_fts MATCH ?")
        params.append(" ".join(f'"{w}"' for w in words))
        order = "f.rank"
    for name, values in filters.items():
        where.append(f"b.{name} IN ({','.join('?' * len(values))})")
        params += values
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    columns = ("id", "slug", "name", "products", "category", "district")
    items = [dict(zip(columns, row, strict=True))
             for row in db.execute(f"SELECT b.id, b.slug, b.name, b.products, b.category, "
                                   f"b.district FROM {source} {clause} ORDER BY {order} "
                                   f"LIMIT 20", params)]
    total = db.execute(f"SELECT count(*) FROM {source} {clause}", params).fetchone()[0]
    facets = {name: dict(db.execute(f"SELECT b.{name}, count(*) FROM {source} {clause} "
                                    f"GROUP BY b.{name}", params).fetchall())
              for name in FACETS}
    return json.dumps({"items": items, "total": total, "facets": facets})


# -- the app -----------------------------------------------------------------------------

def _env(folder: Path) -> dict:
    return {**os.environ,
            "DIRECTORY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'directory.sqlite3'}",
            "DIRECTORY_SEARCH_INDEX_DIR": str(folder / "index"),
            "DIRECTORY_RATELIMIT_ENABLED": "false",
            "DIRECTORY_RATELIMIT_STORAGE_URI": f"sqlite:///{folder / 'ratelimit.sqlite3'}"}


def _app(folder: Path):
    from directory import create_app
    from directory.models import db
    from directory.reference_tables import load_reference_data

    env = _env(folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DIRECTORY_SQLALCHEMY_DATABASE_URI"],
                      "SEARCH_INDEX_DIR": env["DIRECTORY_SEARCH_INDEX_DIR"],
                      "RATELIMIT_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": env["DIRECTORY_RATELIMIT_STORAGE_URI"]})
    with app.app_context():
        db.create_all()
        load_reference_data()
    return app


def _query_string(text: str, filters: dict) -> dict:
    return {**({"q": text} if text else {}), **filters}


class _LimitCounter(logging.Handler):
    def __init__(self):
        super().__init__()
        self.count = 0

    def emit(self, record):
        if "time limit" in record.getMessage():
            self.count += 1


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


# -- HTTP ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server for {url} exited") from None
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def _load(urls: list[str], seconds: float = 30.0) -> float:
    """Send `urls` from CLIENTS threads (each URL once, at most `seconds`): requests/s."""
    position, done, lock = [0], [0], threading.Lock()
    end = time.monotonic() + seconds

    def client():
        while time.monotonic() < end:
            with lock:
                if position[0] >= len(urls):
                    return
                url = urls[position[0]]
                position[0] += 1
            urllib.request.urlopen(url, timeout=30).read()
            with lock:
                done[0] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - start)


def _rss_mb(master: int) -> list[float]:
    """Return the resident memory of each worker of a gunicorn master."""
    found = []
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found.append(int(line.split()[1]) / 1024)
    return found


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _gunicorn(folder: Path, target: str, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--no-control-socket", target],
        cwd=ROOT, env=_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _datasette() -> str | None:
    """Return the datasette command of the bench's own environment, if installed there."""
    found = ROOT / ".venv-bench" / "bin" / "datasette"
    return str(found) if found.exists() else shutil.which("datasette")


def http(folder: Path, fts_path: Path, distinct: list[tuple[str, dict]]) -> dict:
    results = {}
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _gunicorn(folder, "wsgi:app", port)
    try:
        _wait(base + "/api/v1/categories", server)
        urls = [f"{base}/api/v1/businesses?" + urllib.parse.urlencode(
            _query_string(t, f), doseq=True) for t, f in distinct]
        results["app"] = _load(urls)
        popular = [urls[i % 20] for i in range(2000)]
        _load(popular[:40], 10)  # warm: each worker answers the popular ones once
        results["app popular"] = _load(popular)
        results["rss"] = _rss_mb(server.pid)
    finally:
        _stop(server)
    port = _free_port()
    bare = _gunicorn(folder, "bench.bare:app", port)
    try:
        _wait(f"http://127.0.0.1:{port}/", bare)
        results["bare"] = _load([f"http://127.0.0.1:{port}/"] * 2000)
    finally:
        _stop(bare)
    command = _datasette()
    if command:
        port = _free_port()
        datasette = subprocess.Popen(
            [command, "serve", str(fts_path), "--host", "127.0.0.1", "--port", str(port),
             "--setting", "sql_time_limit_ms", "5000", "--setting", "num_sql_threads", "4"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            table = f"http://127.0.0.1:{port}/{fts_path.stem}/business.json"
            _wait(table, datasette)
            urls = []
            for text, filters in distinct:
                params = [("_facet", name) for name in FACETS] + [("_size", "20")]
                if text:
                    params.append(("_search", text))
                params += [(f"{name}__in", ",".join(values)) for name, values in filters.items()]
                urls.append(table + "?" + urllib.parse.urlencode(params))
            results["datasette"] = _load(urls)
        finally:
            _stop(datasette)
    return results


# -- the run --------------------------------------------------------------------------------

def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def run(count: int, distinct: int = 320, http_queries: int = 1000,
        keep: Path | None = None) -> str:
    from directory.search import get_index

    data = register_csv(count)
    asked = queries(max(distinct, http_queries))
    lines = []
    load_before = _load_average()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if keep is not None:  # keep database and index for `--http-only` re-runs
            folder = keep
            folder.mkdir(parents=True)
        print(f"speed: {count} businesses, generated in the staff format", flush=True)
        plain = plain_whoosh_build(data, folder / "plain")
        print(f"  plain one-writer Whoosh build {plain:.1f} s", flush=True)
        # The staff's commands as staff run them (a fresh process each, as in the issue).
        flask = [sys.executable, "-m", "flask", "--app", "directory"]
        (folder / "register.csv").write_bytes(data)
        subprocess.run(flask + ["init-db"], cwd=ROOT, env=_env(folder), check=True,
                       stdout=subprocess.DEVNULL)
        timed = {}
        for name, command in (("import", ["import", str(folder / "register.csv")]),
                              ("reindex", ["reindex"])):
            start = time.perf_counter()
            subprocess.run(flask + command, cwd=ROOT, env=_env(folder), check=True,
                           stdout=subprocess.DEVNULL)
            timed[name] = time.perf_counter() - start
            print(f"  {name} {timed[name]:.1f} s", flush=True)
        imported, reindexed = timed["import"], timed["reindex"]
        app = _app(folder)
        fts_path = folder / "register.db"
        fts5_database(data, fts_path)
        fts = sqlite3.connect(fts_path)
        sample = asked[:distinct]
        fts_times = []
        for text, filters in sample:
            start = time.perf_counter()
            fts5_search(fts, text, filters)
            fts_times.append((time.perf_counter() - start) * 1000)
        fts.close()
        counter = _LimitCounter()
        logging.getLogger("directory").addHandler(counter)
        client = app.test_client()
        client.get("/api/v1/businesses", query_string={"q": "warm up"})
        app_times = []
        for text, filters in sample:
            start = time.perf_counter()
            response = client.get("/api/v1/businesses", query_string=_query_string(text, filters))
            app_times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.get_json()
        with app.app_context():
            get_index().close()
        app_p50, app_p95 = _percentiles(app_times)
        fts_p50, fts_p95 = _percentiles(fts_times)
        print(f"  search p50/p95 {app_p50:.1f}/{app_p95:.1f} ms, FTS5 {fts_p50:.1f}/"
              f"{fts_p95:.1f} ms", flush=True)
        served = http(folder, fts_path, asked[:http_queries])
    rows = [
        ("search p50, ms (request path vs FTS5 + facets)", app_p50, fts_p50, 5, "<="),
        ("search p95, ms", app_p95, fts_p95, 3, "<="),
        ("reindex s (vs plain one-writer Whoosh build)", reindexed, plain, 1.5, "<="),
        ("import s (vs plain one-writer Whoosh build)", imported, plain, 3, "<="),
    ]
    if "datasette" in served:
        rows.append((f"HTTP req/s, {http_queries} distinct (vs Datasette FTS5 + facets)",
                     served["app"], served["datasette"], 1, ">="))
    rows.append(("HTTP req/s, popular mix (vs bare Flask constant JSON)",
                 served["app popular"], served["bare"], 0.5, ">="))
    lines.append(f"| {count:,} businesses | ours | baseline | ratio | target | met |")
    lines.append("|---|---|---|---|---|---|")
    for name, ours, base, target, sense in rows:
        ratio = ours / base if base else float("inf")
        met = ratio <= target if sense == "<=" else ratio >= target
        lines.append(f"| {name} | {ours:,.1f} | {base:,.1f} | {ratio:.2f} | {sense} {target} "
                     f"| {'yes' if met else 'NO'} |")
    if "datasette" not in served:
        lines.append("| HTTP vs Datasette | not measured: datasette is not installed "
                     "(`make bench` installs it in .venv-bench) | | | | |")
    worst = max(served["rss"], default=0)
    lines.append(f"| resident memory per worker, MB | {worst:,.0f} | | | <= 300 | "
                 f"{'yes' if worst <= 300 else 'NO'} |")
    lines.append(f"| searches that needed the time limit | {counter.count} | | | 0 | "
                 f"{'yes' if counter.count == 0 else 'NO'} |")
    table = "\n".join(lines)
    print(table, flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"speed-{count}.md").write_text(
        f"`make bench` on {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores shared with "
        f"other work (load average 1/5/15 min: {load_before} at the start, "
        f"{_load_average()} at the end); ratios are of the same run.\n\n{table}\n")
    return table


def http_only(folder: Path, http_queries: int = 1000) -> None:
    """Re-run only the HTTP part on a database and index kept by `--keep` (after a change)."""
    asked = queries(http_queries)
    load_before = _load_average()
    served = http(folder, folder / "register.db", asked)
    print(f"load average {load_before} -> {_load_average()}")
    for name in ("app", "datasette", "app popular", "bare"):
        if name in served:
            print(f"  {name}: {served[name]:,.1f} req/s")
    print(f"  popular mix / bare: {served['app popular'] / served['bare']:.2f}; "
          f"resident MB per worker: {max(served['rss'], default=0):,.0f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="businesses")
    parser.add_argument("--queries", type=int, default=320, help="distinct searches timed")
    parser.add_argument("--http-queries", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="new folder to keep database and index in")
    parser.add_argument("--http-only", type=Path, metavar="FOLDER",
                        help="only the HTTP part, on a folder an earlier --keep run left")
    args = parser.parse_args(argv)
    if args.http_only:
        http_only(args.http_only, args.http_queries)
        return
    run(args.n, args.queries, args.http_queries, args.keep)


if __name__ == "__main__":
    main()
