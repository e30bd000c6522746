"""The bench corpus: corpus.txt -> records with tags, and a staff import CSV of them."""

import csv
import re
from datetime import date, timedelta
from pathlib import Path

from directory.reference import kelurahan_lookup, place_key

RUBRIC = {"kuliner": "umkm-of-the-week", "kriya": "ekraf-of-the-week",
          "seni": "ekraf-of-the-week", "desain-digital": "ekraf-of-the-week"}
FIRST_POST = date(2021, 5, 7)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def load_corpus(path: Path) -> list[dict]:
    """Return the businesses of corpus.txt with slug, places, address and judge's tags."""
    corpus = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, category, kelurahan, products, description, tags, *address = (
            part.strip() for part in line.split("|"))
        kelurahan_slug, kecamatan_slug = kelurahan_lookup()[place_key(kelurahan)]
        corpus.append({
            "slug": slugify(name), "name": name, "category": category,
            "kelurahan": kelurahan, "kelurahan_slug": kelurahan_slug,
            "kecamatan_slug": kecamatan_slug, "products": products,
            "description": description, "tags": set(tags.split()),
            "address": address[0] if address else "",
        })
    return corpus


def write_staff_csv(corpus: list[dict], path: Path) -> Path:
    """Write the corpus in the staff import format, one weekly post each."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["featured_on", "rubric", "slug", "name", "category", "district",
                         "kelurahan", "address", "products", "description", "fictional"])
        for week, b in enumerate(corpus):
            writer.writerow([
                (FIRST_POST + timedelta(weeks=week)).isoformat(),
                RUBRIC.get(b["category"], "umkm-of-the-week"), b["slug"], b["name"],
                b["category"], b["kecamatan_slug"].title(), b["kelurahan"], b["address"],
                b["products"],
                b["description"], "true",
            ])
    return path
