"""Latency of searches and completions on a generated index (bench, not a test).

`make bench-latency` (100k businesses) or `python -m bench.relevance.latency --businesses N`.
Documents are made from the bench corpus's words, so the lexicon looks like the real one.
"""

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from directory.reference import reference_data
from directory.search import SearchRequest
from directory.search.places import document_places
from directory.search.suggest import completion_lines
from directory.search.whoosh_index import WhooshIndex

from .corpus import load_corpus

QUERIES = ["keripik", "kripik tempe", "bakos", "keramik dinoyo", "kopi lowokwaru", "sambel",
           "oleh2", "coffee", "jilbab murah", "keripik tempe pedas renyah", "kopu", "mada",
           "toko hijab murah", "xyzzy", "bakso malang", "oleh oleh khas malang",
           "warung makan murah", "jl trunojoyo"]
PREFIXES = ["k", "kri", "kop", "bak", "sam", "din", "tempe"]


def documents(count: int, seed: int = 7):
    corpus = load_corpus(Path(__file__).parent / "corpus.txt")
    places = [(k["slug"], kel["slug"]) for k in reference_data()["kecamatan"]
              for kel in k["kelurahan"]]
    owners = ["Sri", "Budi", "Ani", "Joko", "Rina", "Agus", "Dewi", "Eko", "Siti", "Hadi"]
    rng = random.Random(seed)
    for i in range(count):
        model = rng.choice(corpus)
        kecamatan, kelurahan = rng.choice(places)
        owner = f"{rng.choice(owners)} {rng.choice(owners)}"
        name = f"{model['name']} {owner.split()[0]} {i}"
        products = [p.strip() for p in model["products"].split(";")]
        yield {
            "id": str(i + 1), "slug": f"usaha-{i}", "name": name, "name_exact": name,
            "products": "\n".join(products), "products_exact": "\n".join(products),
            "description": model["description"], "description_exact": model["description"],
            "owner": owner, "address": model["address"], "category_text": model["category"],
            "place": document_places(kecamatan, kelurahan),
            "complete_name": completion_lines([name]),
            "complete_product": completion_lines(products),
            "category": model["category"], "district": kecamatan, "kelurahan": kelurahan,
            "rubric": "umkm-of-the-week", "year": str(2021 + i % 5),
            "latest_on": 737000 + i % 1500, "name_sort": name.casefold(),
        }


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        index = WhooshIndex(tmp)
        start = time.perf_counter()
        index.rebuild(documents(args.businesses))
        print(f"indexed {args.businesses} businesses in {time.perf_counter() - start:.0f} s")
        index.search(SearchRequest(text="warm up"))
        print(f"{'query':<30} {'total':>7} {'median ms':>10} {'max ms':>8}")
        medians = []
        for text in QUERIES:
            request = SearchRequest(text=text)
            total = index.search(request).total
            times = timed(lambda r=request: index.search(r), args.repeat)
            medians.append(statistics.median(times))
            print(f"{text:<30} {total:>7} {medians[-1]:>10.0f} {max(times):>8.0f}")
        print(f"{'all searches':<30} {'':>7} {statistics.median(medians):>10.0f}")
        for prefix in PREFIXES:
            times = timed(lambda p=prefix: index.suggest(p), args.repeat * 4)
            print(f"suggest {prefix!r:<22} {'':>7} {statistics.median(times):>10.1f} "
                  f"{max(times):>8.1f}")
        index.close()


if __name__ == "__main__":
    main()
