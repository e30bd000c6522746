"""Reference data of Kota Malang shipped with the package, and matching names against it.

Kelurahan are matched ignoring case, spaces and hyphens: "Rampal Celaket" = "Rampalcelaket".
"""

import json
import re
from functools import cache
from importlib import resources

from .models import Category, Kecamatan, Kelurahan, Rubric, db


@cache
def reference_data() -> dict:
    """Return the parsed `data/reference.json`."""
    return json.loads(resources.files("directory").joinpath("data/reference.json").read_text())


def place_key(name: str) -> str:
    """Return the matching key of a place name.

    >>> place_key("Rampal-Celaket"), place_key(" Oro-oro Dowo ")
    ('rampalcelaket', 'oroorodowo')
    """
    return re.sub(r"[\s\-_.']+", "", (name or "").casefold())


@cache
def kelurahan_lookup() -> dict[str, tuple[str, str]]:
    """Return place key -> (kelurahan slug, kecamatan slug), every spelling included."""
    lookup = {}
    for kecamatan in reference_data()["kecamatan"]:
        for kelurahan in kecamatan["kelurahan"]:
            for spelling in (kelurahan["name"], kelurahan["slug"], *kelurahan["also_written"]):
                lookup[place_key(spelling)] = (kelurahan["slug"], kecamatan["slug"])
    return lookup


@cache
def kecamatan_lookup() -> dict[str, str]:
    """Return place key -> kecamatan slug."""
    return {place_key(k["name"]): k["slug"] for k in reference_data()["kecamatan"]}


def load_reference_data() -> dict[str, int]:
    """Insert or update categories, rubrics and places; safe to run again."""
    data = reference_data()
    for position, item in enumerate(data["categories"]):
        db.session.merge(Category(slug=item["slug"], label=item["label"],
                                  label_en=item["label_en"], position=position))
    for position, item in enumerate(data["rubrics"]):
        db.session.merge(Rubric(slug=item["slug"], label=item["label"], about=item["about"],
                                position=position))
    for kecamatan in data["kecamatan"]:
        db.session.merge(Kecamatan(slug=kecamatan["slug"], name=kecamatan["name"],
                                   code=kecamatan["code"]))
        for kelurahan in kecamatan["kelurahan"]:
            db.session.merge(Kelurahan(slug=kelurahan["slug"], name=kelurahan["name"],
                                       kecamatan_slug=kecamatan["slug"],
                                       also_written=kelurahan["also_written"]))
    db.session.commit()
    return {
        "categories": len(data["categories"]),
        "rubrics": len(data["rubrics"]),
        "kecamatan": len(data["kecamatan"]),
        "kelurahan": sum(len(k["kelurahan"]) for k in data["kecamatan"]),
    }
