"""Reference data of Kota Malang shipped with the package, and names matched against it.

The one reader of `data/reference.json` (categories, rubrics, kecamatan with kelurahan, sentra)
and the one place-name key, used by the schemas, the importer and search alike. It needs no
database: `reference_tables.py` copies the data into the tables.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .normalise import fold

# The longest text each business field takes, whoever writes it (staff API, import, drafts).
MAX_LENGTH = {"name": 200, "owner": 200, "address": 300, "description": 5000, "slug": 120}


@cache
def reference_data() -> dict:
    """Return the parsed `data/reference.json`."""
    return json.loads(resources.files("directory").joinpath("data/reference.json").read_text())


def place_key(name: str) -> str:
    """Return the matching key of a place name: folded, without spaces, hyphens or marks.

    >>> place_key("Rampal-Celaket"), place_key(" Oro-oro Dowo "), place_key("Lowokwarú")
    ('rampalcelaket', 'oroorodowo', 'lowokwaru')
    """
    return re.sub(r"[\W_]+", "", fold(name or ""))


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


@cache
def kecamatan_names() -> dict[str, str]:
    """Return kecamatan slug -> its name as written."""
    return {k["slug"]: k["name"] for k in reference_data()["kecamatan"]}


@dataclass(frozen=True)
class Place:
    """Where a business is: the slugs of its kelurahan and of that kelurahan's kecamatan."""

    kelurahan: str
    kecamatan: str


class UnknownKelurahan(ValueError):
    """No kelurahan of Kota Malang is written this way."""


class KelurahanElsewhere(ValueError):
    """The kelurahan exists but lies in another kecamatan (`actual`, a slug)."""

    def __init__(self, actual: str):
        super().__init__(f"The kelurahan is in kecamatan {kecamatan_names()[actual]}.")
        self.actual = actual


def locate(kelurahan: str, kecamatan: str | None = None) -> Place:
    """Return the place of a kelurahan written any usual way, checked against a kecamatan.

    `kecamatan`, when given, is a name as typed; a kelurahan outside it (or a kecamatan that
    does not exist) raises KelurahanElsewhere.

    >>> locate("Rampal Celaket", "klojen")
    Place(kelurahan='rampalcelaket', kecamatan='klojen')
    """
    found = kelurahan_lookup().get(place_key(kelurahan))
    if found is None:
        raise UnknownKelurahan(kelurahan)
    if kecamatan is not None and kecamatan_lookup().get(place_key(kecamatan)) != found[1]:
        raise KelurahanElsewhere(found[1])
    return Place(*found)
