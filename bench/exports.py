"""Exports at 100k businesses: streaming vs building the whole list in memory.

Generates its own data straight into a temporary SQLite database (no index needed: an
export without words reads only the database), then measures, in the same run, the time
and the peak memory (RSS) of each way, each in a fresh process. `python -m bench exports --n=20000`.
"""

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from directory import create_app, exports
from directory.models import Business, Feature, db
from directory.reference import reference_data
from directory.reference_tables import load_reference_data

WORDS = ("keripik", "tempe", "batik", "kopi", "bakso", "rawon", "keramik", "tas", "rajut",
         "sambal", "kue", "jamu", "topeng", "malangan", "apel", "susu", "madu", "kripik")


def generate(n: int, seed: int = 7) -> None:
    """Insert n fictional businesses with 1-3 appearances each."""
    rng = random.Random(seed)
    data = reference_data()
    categories = [c["slug"] for c in data["categories"]]
    rubrics = [r["slug"] for r in data["rubrics"]]
    kelurahan = [k["slug"] for kec in data["kecamatan"] for k in kec["kelurahan"]]
    start = date(2021, 5, 7)
    for offset in range(0, n, 10_000):
        businesses, features = [], []
        for i in range(offset + 1, min(n, offset + 10_000) + 1):
            name = " ".join(rng.choice(WORDS).title() for _ in range(3)) + f" {i}"
            businesses.append({
                "id": i, "slug": f"usaha-{i}", "name": name, "owner": f"Pemilik {i}",
                "category_slug": rng.choice(categories), "kelurahan_slug": rng.choice(kelurahan),
                "address": f"Jl. Contoh No. {i % 200}", "description": "Usaha rekaan. " * 8,
                "products": [rng.choice(WORDS) for _ in range(3)],
                "instagram": f"usaha_{i}", "whatsapp": f"+62812{i:08d}", "website": None,
                "established": rng.randint(1960, 2023), "fictional": True})
            for _ in range(rng.randint(1, 3)):
                features.append({
                    "business_id": i, "rubric_slug": rng.choice(rubrics),
                    "featured_on": start + timedelta(days=7 * rng.randint(0, 250) + len(features)),
                    "post_url": f"https://www.instagram.com/p/C{i}/",
                    "reach": rng.randint(100, 9000)})
        db.session.execute(insert(Business), businesses)
        db.session.execute(insert(Feature).prefix_with("OR IGNORE"), features)
        db.session.commit()


def _app(folder: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                       "SEARCH_INDEX_DIR": str(folder / "index"), "RATELIMIT_ENABLED": False})


URLS = {
    "ndjson": "/api/v1/export/businesses.ndjson",
    "json": "/api/v1/export/businesses.json",
    "csv": "/api/v1/export/businesses.csv",
    "features": "/api/v1/export/features.csv",
}
LABELS = {
    "baseline": "app loaded, nothing exported",
    "ndjson": "businesses.ndjson, streamed",
    "json": "businesses.json, streamed",
    "csv": "businesses.csv, streamed",
    "features": "features.csv, streamed",
    "in-memory": "JSON list built in memory",
}


def _status(field: str) -> int:
    """Return a VmRSS/VmHWM value of this process in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def all_records(selection: exports.ExportFilter) -> list[dict]:
    """Every record at once, in memory: what streaming avoids."""
    return [exports.business_record(row, features)
            for batch in exports.record_batches(selection) for row, features in batch]


def child(how: str, folder: Path) -> None:
    """Run one way in this fresh process; print seconds, bytes and peak RSS growth as JSON."""
    app = _app(folder)
    client = app.test_client()
    with app.app_context():  # warm up: imports, mappers, reference caches
        all_records(exports.ExportFilter(filters={"category": ("jasa",)}))
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    before = _status("VmRSS")
    started = time.perf_counter()
    size = 0
    if how in URLS:
        response = client.get(URLS[how], buffered=False)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
    elif how == "in-memory":
        with app.app_context():
            records = all_records(exports.ExportFilter())
            size = len(json.dumps(records, ensure_ascii=False).encode())
    seconds = time.perf_counter() - started
    grown = max(0, _status("VmHWM") - before)
    print(json.dumps({"how": how, "seconds": round(seconds, 2), "bytes": size,
                      "rss_mib": round(before / 2**20, 1),
                      "peak_growth_mib": round(grown / 2**20, 1)}))


def measure(how: str, folder: Path) -> dict:
    # A fresh process per way: its peak RSS is that way's alone.
    output = subprocess.run([sys.executable, "-m", "bench.exports", "--child", how,
                             str(folder)], check=True, capture_output=True, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(f"  {LABELS[how]:<32} {result['seconds']:7.2f} s   peak RSS +"
          f"{result['peak_growth_mib']:7.1f} MiB over {result['rss_mib']:.0f} MiB   "
          f"{result['bytes']:>12,} bytes", flush=True)
    return result


def main(argv: list[str]) -> None:
    n = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--n=")), 100_000)
    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    app = _app(folder)
    with app.app_context():
        db.create_all()
        load_reference_data()
        started = time.perf_counter()
        generate(n)
        print(f"  generated {n:,} businesses in {time.perf_counter() - started:.1f} s", flush=True)
    results = {how: measure(how, folder) for how in LABELS}
    streamed = max(results[how]["peak_growth_mib"] for how in URLS)
    in_memory = results["in-memory"]["peak_growth_mib"]
    ratio = in_memory / max(streamed, 0.1)
    print(f"  peak memory above the loaded app: streaming at most {streamed:.1f} MiB, the "
          f"in-memory list {in_memory:.1f} MiB ({ratio:.0f}x)", flush=True)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "exports.json").write_text(json.dumps(
        {"businesses": n, "results": list(results.values()), "memory_ratio": round(ratio, 1)},
        indent=2))
    shutil.rmtree(folder, ignore_errors=True)


def run() -> None:
    print("== bench/exports.py ==", flush=True)
    main([])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(sys.argv[1:])
