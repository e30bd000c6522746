"""Where the time goes: a search through the whole request path, a reindex and an import.

`python -m bench.profile --n 2000` builds a register of N businesses (bench/register.py)
in a temporary folder, or `--folder F` reuses one a `python -m bench --keep F` run left.

- search: the bench's distinct queries through the test client, each asked once, under
  cProfile; the table gives each part's share of the request in ms per query (cProfile
  inflates Python-heavy parts alike, so read the shares, and the unprofiled p50 above);
- build (`--build`): the parts of a reindex measured one by one on the folder's database:
  reading the rows, making the documents, analysing their text (the Indonesian analyzer,
  no writing), writing one Whoosh segment, and its commit.

Every number is CPU time of this process (time.process_time, cProfile's timer too): on a
machine shared with other work, wall-clock time measures the neighbours as much as us.
"""

import argparse
import cProfile
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .register import queries, register_csv
from .speed import ROOT, _app, _env, _query_string, plain_whoosh_build

# (label, file suffix, function): cumulative time of these, outermost call only.
PARTS = [
    ("whole request (test client)", "flask/testing.py", "open"),
    ("  before-request hooks", "flask/app.py", "preprocess_request"),
    ("  argument parsing (webargs + marshmallow load)", "webargs/core.py", "parse"),
    ("  answer cache: version query", "api/answer_cache.py", "data_version"),
    ("  vocabulary additions (version query)", "directory/services.py", "with_additions"),
    ("  index: search (all of it)", "search/whoosh_index.py", "search"),
    ("    searcher up to date? (listdir of the release)", "whoosh/searching.py", "up_to_date"),
    ("    query planning (analysis, typos, counts)", "search/execution.py", "_plan"),
    ("    matching (bitmaps)", "search/execution.py", "matching"),
    ("    ranking the page (numpy BM25F)", "search/execution.py", "_ranked"),
    ("    order for browsing (once per searcher)", "search/execution.py", "order"),
    ("    facet counts", "search/facets.py", "counts"),
    ("    filters (allowed)", "search/execution.py", "allowed"),
    ("    stored fields of the page", "whoosh/searching.py", "stored_fields"),
    ("    highlights", "search/highlight.py", "business_highlights"),
    ("  rows from the database (20 businesses)", "directory/services.py", "businesses_by_ids"),
    ("  serializing (marshmallow dump)", "flask_smorest/response.py", "_prepare_response_content"),
    ("  JSON encoding", "flask/json/provider.py", "response"),
    ("  after-request hooks (ETag, headers, CORS)", "flask/app.py", "process_response"),
    ("  teardown (session, contexts)", "flask/ctx.py", "pop"),
]


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    return sum(ct for (path, _, func), (_, _, _, ct, _) in stats.stats.items()
               if func == name and path.replace("\\", "/").endswith(suffix))


def _dump_ms(stats: pstats.Stats) -> float:
    # marshmallow's dump recurses: the outermost dumps are the ones the response wrapper makes
    return sum(ct for (path, _, func), (_, _, _, ct, callers) in stats.stats.items()
               if func == "dump" and path.endswith("marshmallow/schema.py")
               for caller in callers if caller[0].endswith("flask_smorest/response.py")) or 0.0


def profile_search(folder: Path, asked: list[tuple[str, dict]]) -> str:
    app = _app(folder)
    client = app.test_client()
    client.get("/api/v1/businesses", query_string={"q": "warm up"})
    # Unprofiled first, on half the queries (the other half stays unseen for the profile).
    half = len(asked) // 2
    plain = []
    for text, filters in asked[:half]:
        start = time.process_time()
        client.get("/api/v1/businesses", query_string=_query_string(text, filters))
        plain.append((time.process_time() - start) * 1000)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for text, filters in asked[half:]:
        client.get("/api/v1/businesses", query_string=_query_string(text, filters))
    profiler.disable()
    repeated = []
    for text, filters in asked[half:half + 50]:
        # Asked again at once (the answer cache keeps an answer for its clock bucket, so
        # the profiled ones may have gone stale meanwhile): the second is served.
        client.get("/api/v1/businesses", query_string=_query_string(text, filters))
        start = time.process_time()
        client.get("/api/v1/businesses", query_string=_query_string(text, filters))
        repeated.append((time.process_time() - start) * 1000)
    stats = pstats.Stats(profiler)
    count = len(asked) - half
    lines = [f"unprofiled CPU p50 {statistics.median(plain):.1f} ms of {half} distinct "
             f"searches; asked again (answer cache) p50 {statistics.median(repeated):.2f} ms; "
             f"profiled: {count} other distinct searches",
             "", "| part | CPU ms per search (cProfile) |", "|---|---|"]
    for label, suffix, name in PARTS:
        value = _cumulative(stats, suffix, name)
        if name == "_prepare_response_content":
            value = _dump_ms(stats)
            label = "  serializing (marshmallow dump of the page)"
        lines.append(f"| {label} | {value * 1000 / count:.2f} |")
    with app.app_context():
        from directory.search import get_index

        get_index().close()
    stats.sort_stats("tottime")
    top = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:12]
    lines += ["", "Most time of its own (tottime, ms per search):", ""]
    lines += [f"- {Path(path).name}:{line} {func}: {tt * 1000 / count:.2f}"
              for (path, line, func), (_, _, tt, _, _) in top]
    return "\n".join(lines)


def profile_build(folder: Path, limit: int | None) -> str:
    """Time the parts of a reindex one by one (no processes: each part on one core)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session, selectinload
    from whoosh import index as whoosh_index

    from directory.models import Business, db
    from directory.search.documents import business_document
    from directory.search.schema import build_schema

    app = _app(folder)
    timings = []
    with app.app_context():
        start = time.process_time()
        with Session(db.engine) as session:
            statement = select(Business.id).where(Business.deleted_at.is_(None)).order_by(
                Business.id)
            ids = list(session.scalars(statement.limit(limit) if limit else statement))
        businesses = []
        session = Session(db.engine)  # one for all batches: the documents read them after
        for first in range(0, len(ids), 500):
            businesses += session.scalars(
                select(Business).where(Business.id.in_(ids[first:first + 500]))
                .options(selectinload(Business.features)).order_by(Business.id))
        timings.append(("reading the rows (batches of 500, features selectin)",
                        time.process_time() - start))
        start = time.process_time()
        documents = [business_document(b) for b in businesses]
        timings.append(("making the documents (business_document; lazy loads of category and "
                        "kelurahan)", time.process_time() - start))
        session.close()
        schema = build_schema("indonesian")
        start = time.process_time()
        tokens = 0
        for document in documents:
            for name, value in document.items():
                field = schema[name] if name in schema else None
                if field is not None and field.analyzer is not None and isinstance(value, str):
                    tokens += sum(1 for _ in field.analyzer(value))
        timings.append((f"analysing the text only ({tokens:,} tokens, every analyzed field)",
                        time.process_time() - start))
        with tempfile.TemporaryDirectory() as tmp:
            ix = whoosh_index.create_in(tmp, schema)
            writer = ix.writer(limitmb=128)
            start = time.process_time()
            for document in documents:
                writer.add_document(**document)
            added = time.process_time() - start
            timings.append(("one writer: add_document (analysis + postings in memory)", added))
            start = time.process_time()
            writer.commit()
            timings.append(("one writer: commit (sort and write the segment)",
                            time.process_time() - start))
            ix.close()
        with tempfile.TemporaryDirectory() as tmp:
            start = time.process_time()
            plain_whoosh_build(register_csv(len(documents)), Path(tmp) / "plain")
            timings.append(("for comparison: the bench's plain one-writer build of as many "
                            "rows (10 fields, from CSV)", time.process_time() - start))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "flask", "--app", "directory", "--help"], cwd=ROOT,
                   env=_env(folder), check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timings.append(("starting `flask --app directory` (imports, create_app)",
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
    lines = [f"{len(documents):,} businesses", "", "| part of a reindex | CPU s |",
             "|---|---|"]
    lines += [f"| {label} | {seconds:.1f} |" for label, seconds in timings]
    return "\n".join(lines)


def _memory() -> dict[str, float]:
    """Return this process's resident MB: all, anonymous (its own), file-backed (mmap)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile"):
            found[name] = int(value.split()[0]) / 1024
    return found


def profile_memory(folder: Path, asked: list[tuple[str, dict]]) -> str:
    """Resident memory of one worker-like process: after start, first search, N searches."""
    import numpy as np

    stages = [("imports", _memory())]
    app = _app(folder)
    client = app.test_client()
    stages.append(("app created", _memory()))
    client.get("/api/v1/businesses", query_string={"q": "kopi"})
    stages.append(("first search (searcher, filter and facet bitmaps)", _memory()))
    for text, filters in asked:
        client.get("/api/v1/businesses", query_string=_query_string(text, filters))
    stages.append((f"after {len(asked)} distinct searches", _memory()))
    lines = ["| stage | RSS MB | anonymous MB | file-backed MB (index mmap, shared) |",
             "|---|---|---|---|"]
    lines += [f"| {label} | {m['VmRSS']:.0f} | {m['RssAnon']:.0f} | {m['RssFile']:.0f} |"
              for label, m in stages]
    with app.app_context():
        from directory.search import get_index

        state = get_index()._current_state()  # a bench may look inside
        ranker = state.ranker()
        terms = sum(len(b.to_bytes((b.bit_length() + 7) // 8, "little")) for b in
                    state._terms.values() if isinstance(b, int))
        facets = sum((b.bit_length() + 7) // 8 for values in state.facets.by_field.values()
                     for b in values.values())
        arrays = 0
        if ranker:
            arrays = sum(a.nbytes + b.nbytes for a, b in ranker._terms.values())
            arrays += sum(a.nbytes for a in ranker._lengths.values() if isinstance(a, np.ndarray))
        orders = sum(len(o) * 36 for o in state._orders.values())  # list slot + int object
        cache = app.extensions.get("answer_cache")
        answers = cache._bytes if cache else 0
        lines += ["", "Held per searcher after those searches (MB):", "",
                  f"- term bitmaps ({len(state._terms)} kept): {terms / 2**20:.1f}",
                  f"- filter and facet bitmaps: {facets / 2**20:.1f}",
                  f"- ranking arrays ({len(ranker._terms) if ranker else 0} terms + field "
                  f"lengths): {arrays / 2**20:.1f}",
                  f"- browse orders (Python lists): {orders / 2**20:.1f}",
                  f"- answer cache (JSON bodies): {answers / 2**20:.1f}"]
        get_index().close()
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="businesses to generate")
    parser.add_argument("--folder", type=Path, help="a folder `python -m bench --keep` left")
    parser.add_argument("--queries", type=int, default=320)
    parser.add_argument("--build", action="store_true", help="also time a reindex's parts")
    parser.add_argument("--build-limit", type=int, help="at most this many businesses")
    parser.add_argument("--memory", action="store_true", help="resident memory instead")
    parser.add_argument("--no-search", action="store_true", help="skip the search profile")
    args = parser.parse_args(argv)
    print(f"load average {' / '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder
        if folder is None:
            folder = Path(tmp)
            (folder / "register.csv").write_bytes(register_csv(args.n))
            flask = [sys.executable, "-m", "flask", "--app", "directory"]
            for command in (["init-db"], ["import", str(folder / "register.csv")]):
                subprocess.run(flask + command, cwd=ROOT, env=_env(folder), check=True,
                               stdout=subprocess.DEVNULL)
        if args.memory:
            print(profile_memory(folder, queries(args.queries)), flush=True)
            return
        if not args.no_search:
            print(profile_search(folder, queries(args.queries)), flush=True)
        if args.build:
            print(profile_build(folder, args.build_limit), flush=True)
    print(f"load average {' / '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
