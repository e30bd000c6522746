"""Core benchmark: staff import, full reindex and search, at generated sizes.

Baselines measured in the same run: parsing the CSV alone (import), and a SQL LIKE scan of
the same rows (search). Ratios compare against those.
"""

import csv
import io
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import or_, select

from directory import create_app, services
from directory.models import Business, db
from directory.reference import load_reference_data

from .generate import businesses_csv

SIZES = (1_000, 10_000)
QUERIES = ("keripik tempe", "batik", "kopi bubuk", "jamu", "kursi rotan", "sayur hidroponik")


def _app(folder: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(folder / "index")})
    with app.app_context():
        db.create_all()
        load_reference_data()
    return app


def _median_ms(action, repeat: int = 30) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def run(sizes=SIZES) -> None:
    print("core: import, reindex, search (SQLite + Whoosh)")
    print(f"{'businesses':>10} {'import s':>9} {'parse s':>8} {'ratio':>6} {'reindex s':>10} "
          f"{'search ms':>10} {'LIKE ms':>8} {'ratio':>6}")
    for size in sizes:
        data = businesses_csv(size)
        with tempfile.TemporaryDirectory() as folder:
            app = _app(Path(folder))
            with app.app_context():
                services.reindex()
                start = time.perf_counter()
                list(csv.DictReader(io.StringIO(data.decode())))
                parse = time.perf_counter() - start
                start = time.perf_counter()
                services.import_bytes(data, "bench.csv")
                imported = time.perf_counter() - start
                start = time.perf_counter()
                services.reindex()
                reindexed = time.perf_counter() - start
                client = app.test_client()
                search = statistics.median(_median_ms(
                    lambda q=q, c=client: c.get("/api/v1/businesses", query_string={"q": q}))
                    for q in QUERIES)

                def like(q):
                    words = [f"%{w}%" for w in q.split()]
                    statement = select(Business.id).where(*[or_(
                        Business.name.ilike(w), Business.description.ilike(w)) for w in words])
                    return db.session.scalars(statement.limit(20)).all()

                scan = statistics.median(_median_ms(lambda q=q: like(q)) for q in QUERIES)
            app.extensions["search"].close()
        print(f"{size:>10} {imported:>9.2f} {parse:>8.3f} {imported / parse:>6.0f} "
              f"{reindexed:>10.2f} {search:>10.2f} {scan:>8.2f} {search / scan:>6.2f}")


if __name__ == "__main__":
    run()
