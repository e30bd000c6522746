"""A synthetic city register in the staff import format, and the queries asked of it.

Businesses are the fictional bench corpus (bench/relevance/corpus.txt) varied by owner, number
and place, so the vocabulary looks like the real one. Queries are distinct and of five kinds:
one word, two words, a typo, a word + a kecamatan filter, a filter alone.
"""

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from directory.reference import reference_data

from .relevance.corpus import load_corpus

OWNERS = ["Sri", "Budi", "Ani", "Joko", "Rina", "Agus", "Dewi", "Eko", "Siti", "Hadi", "Yuli",
          "Dimas", "Ratna", "Ahmad", "Sarti", "Wahyu"]
RUBRICS = ["umkm-of-the-week", "ekraf-of-the-week", "kuliner-legendaris"]
COLUMNS = ["featured_on", "rubric", "slug", "name", "owner", "category", "district", "kelurahan",
           "address", "products", "description", "fictional"]


def corpus() -> list[dict]:
    return load_corpus(Path(__file__).parent / "relevance" / "corpus.txt")


def places() -> list[tuple[str, str, str]]:
    """Return (kecamatan name, kecamatan slug, kelurahan name) of every kelurahan."""
    return [(k["name"], k["slug"], kel["name"]) for k in reference_data()["kecamatan"]
            for kel in k["kelurahan"]]


def rows(count: int, seed: int = 11):
    """Yield `count` businesses as dicts of the staff columns, one appearance each."""
    rng = random.Random(seed)
    models, where = corpus(), places()
    first = date(2021, 5, 7)
    for number in range(count):
        model = rng.choice(models)
        kecamatan, _, kelurahan = rng.choice(where)
        owner = f"{rng.choice(OWNERS)} {rng.choice(OWNERS)}"
        name = f"{model['name']} {owner.split()[0]} {number}"
        yield {
            "featured_on": (first + timedelta(days=number % 1800)).isoformat(),
            "rubric": rng.choice(RUBRICS), "slug": f"usaha-{number}", "name": name,
            "owner": owner, "category": model["category"], "district": kecamatan,
            "kelurahan": kelurahan, "address": f"Jl. Contoh No. {number % 300}",
            "products": model["products"], "description": model["description"],
            "fictional": "true",
        }


def register_csv(count: int, seed: int = 11) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS)
    writer.writeheader()
    writer.writerows(rows(count, seed))
    return out.getvalue().encode()


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # a transposition
    return word[:i] + word[i + 1:]  # a letter left out


def queries(count: int = 320, seed: int = 5) -> list[tuple[str, dict]]:
    """Return `count` distinct (text, filters) of the five kinds, in a shuffled order."""
    rng = random.Random(seed)
    words, pairs = set(), set()
    for business in corpus():
        for product in business["products"].split(";"):
            parts = product.lower().split()
            words.update(w for w in parts if w.isalpha() and len(w) > 2)
            if len(parts) >= 2 and all(p.isalpha() for p in parts[:2]):
                pairs.add(" ".join(parts[:2]))
    words, pairs = sorted(words), sorted(pairs)
    kecamatan = sorted({slug for _, slug, _ in places()})
    categories = sorted({b["category"] for b in corpus()})
    kinds = [
        lambda: (rng.choice(words), {}),
        lambda: (rng.choice(pairs) if rng.random() < 0.3
                 else f"{rng.choice(words)} {rng.choice(words)}", {}),
        lambda: (_typo(w, rng) if len(w := rng.choice(words)) >= 5 else w + "h", {}),
        lambda: (rng.choice(words), {"district": [rng.choice(kecamatan)]}),
        lambda: ("", {"category": [rng.choice(categories)], "district": [rng.choice(kecamatan)],
                      **({"year": [str(rng.randrange(2021, 2026))]} if rng.random() < 0.7
                         else {})}),
    ]
    found, seen = [], set()
    attempts = 0
    while len(found) < count and attempts < count * 200:
        attempts += 1
        # Each kind in turn; a kind with nothing new left gives way to the others.
        text, filters = kinds[(len(found) + attempts // (count * 20)) % len(kinds)]()
        key = (text, tuple(sorted((k, tuple(v)) for k, v in filters.items())))
        if key not in seen:
            seen.add(key)
            found.append((text, filters))
    rng.shuffle(found)
    return found
