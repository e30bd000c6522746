"""Latency of near / radius / open_now on a generated index (bench, not a test).

`python -m bench.where_when --businesses 100000`. Prints each request's median against a
plain browse (newest first) measured in the same run: the ratio is what near/open_now cost.
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import datetime

from directory.hours import WIB
from directory.search import SearchRequest
from directory.search.whoosh_index import WhooshIndex

from .relevance.latency import documents, timed

SCHEDULES = ["Mo-Sa 08:00-17:00; Su off", "Mo-Su 10:00-22:00", "Mo-Su 18:00-02:00", "24/7",
             "Mo-Fr 07:00-12:00,16:00-21:00", "Mo-Th 08:00-17:00; Fr off; Sa-Su 08:00-21:00"]
ALUN_ALUN = (-7.9826, 112.6308)
FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)


def with_where_when(count: int, seed: int = 11):
    rng = random.Random(seed)
    for document in documents(count):
        if rng.random() < 0.9:  # most have a point, spread over the city
            lat, lon = rng.uniform(-8.04, -7.90), rng.uniform(112.58, 112.69)
            document["geo"] = f"{lat:.5f},{lon:.5f}".encode()
        document["hours"] = rng.choice(SCHEDULES) if rng.random() < 0.8 else ""
        document["status"] = rng.choices(["buka", "tutup-sementara", "tutup"], [95, 3, 2])[0]
        yield document


def uncached(index, request):
    """Search with the per-searcher answer cache emptied: measure the work, not a look-up."""
    state = getattr(index, "_state", None)
    if state is not None:
        state._results.clear()
    return index.search(request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    listed = ("buka", "tutup-sementara")
    requests = {
        "browse (baseline)": SearchRequest(statuses=listed),
        "near": SearchRequest(statuses=listed, near=ALUN_ALUN, sort="distance"),
        "near, page 5": SearchRequest(statuses=listed, near=ALUN_ALUN, sort="distance",
                                      page=5),
        "near + radius 1 km": SearchRequest(statuses=listed, near=ALUN_ALUN, radius=1000,
                                            sort="distance"),
        "open_now": SearchRequest(statuses=listed, open_now=True, now=FRIDAY_10),
        "q=bakso (baseline)": SearchRequest(text="bakso", statuses=listed),
        "q=bakso + near": SearchRequest(text="bakso", statuses=listed, near=ALUN_ALUN,
                                        sort="distance"),
        "q=bakso + near + radius + open_now": SearchRequest(
            text="bakso", statuses=listed, near=ALUN_ALUN, radius=2000, open_now=True,
            now=FRIDAY_10, sort="distance"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        index = WhooshIndex(tmp)
        start = time.perf_counter()
        index.rebuild(with_where_when(args.businesses))
        print(f"indexed {args.businesses} businesses in {time.perf_counter() - start:.0f} s")
        start = time.perf_counter()
        index.search(requests["near"])  # the per-searcher tables are built here
        print(f"first search (reads the where-when tables): "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")
        print(f"{'request':<38} {'total':>7} {'median ms':>10} {'max ms':>8} {'ratio':>6}")
        base = None
        for name, request in requests.items():
            total = index.search(request).total
            times = timed(lambda r=request: uncached(index, r), args.repeat)
            median = statistics.median(times)
            if "baseline" in name:
                base = median
            print(f"{name:<38} {total:>7} {median:>10.1f} {max(times):>8.1f} "
                  f"{median / base:>6.2f}")
        index.close()


if __name__ == "__main__":
    main()
