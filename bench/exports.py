"""Exports at 100k businesses: streaming vs building the whole list in memory.

Generates its own data straight into a temporary SQLite database (no index needed: an
export without words reads only the database), then measures, in the same run, the time
and the peak Python memory (tracemalloc) of each way. `python -m bench exports --n=20000`.
"""

import json
import random
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from directory import create_app, exports
from directory.models import Business, Feature, db
from directory.reference import load_reference_data, reference_data

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


def measure(label: str, work) -> dict:
    """Run `work` twice: once for the time, once under tracemalloc for the peak."""
    started = time.perf_counter()
    size = work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"how": label, "seconds": round(seconds, 2), "peak_mib": round(peak / 2**20, 1),
              "bytes": size}
    print(f"  {label:<34} {seconds:7.2f} s   peak {peak / 2**20:8.1f} MiB   {size:>12,} bytes",
          flush=True)
    return result


def main(argv: list[str]) -> None:
    n = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--n=")), 100_000)
    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(folder / "index"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        load_reference_data()
        started = time.perf_counter()
        generate(n)
        print(f"  generated {n:,} businesses in {time.perf_counter() - started:.1f} s", flush=True)
    client = app.test_client()

    def stream(url):
        def work():
            response = client.get(url, buffered=False)
            size = sum(len(chunk) for chunk in response.response)
            response.close()
            return size
        return work

    def in_memory():
        with app.app_context():
            records = exports.businesses_list(exports.ExportFilter())
            return len(json.dumps(records, ensure_ascii=False).encode())

    results = [
        measure("businesses.ndjson, streamed", stream("/api/v1/export/businesses.ndjson")),
        measure("businesses.json, streamed", stream("/api/v1/export/businesses.json")),
        measure("businesses.csv, streamed", stream("/api/v1/export/businesses.csv")),
        measure("features.csv, streamed", stream("/api/v1/export/features.csv")),
        measure("JSON list built in memory", in_memory),
    ]
    streamed = results[1]["peak_mib"]
    ratio = results[-1]["peak_mib"] / max(streamed, 0.1)
    print(f"  in-memory JSON needs {ratio:.0f}x the peak memory of streaming it", flush=True)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "exports.json").write_text(json.dumps(
        {"businesses": n, "results": results, "memory_ratio": round(ratio, 1)}, indent=2))
