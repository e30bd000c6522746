"""Places of Kota Malang as search keys: kecamatan, kelurahan (every spelling) and sentra.

A key is `reference.place_key`: the name folded without spaces or hyphens,
"Rampal Celaket" -> "rampalcelaket", as the schemas and the importer match places.
"""

import re
from functools import cache

from ..reference import place_key, reference_data
from .data import data_lines
from .tokens import plain_words

# Words that name the kind of centre, not the place: "Kampung Sanan" is also just "Sanan".
GENERIC = {"kampung", "sentra", "budaya", "wisata", "tematik"}
MAX_WORDS = 4  # the longest place name people type, in words


@cache
def _kelurahan_by_key() -> dict[str, str]:
    """Return every spelling's key -> kelurahan slug."""
    found = {}
    for kecamatan in reference_data()["kecamatan"]:
        for kelurahan in kecamatan["kelurahan"]:
            for name in (kelurahan["name"], kelurahan["slug"], *kelurahan["also_written"]):
                found[place_key(name)] = kelurahan["slug"]
    return found


def _sentra_keys(sentra: dict) -> set[str]:
    product_words = {w for p in sentra["products"] for w in plain_words(p)}
    core = [w for w in plain_words(sentra["name"]) if w not in GENERIC | product_words]
    return {place_key(sentra["name"]), "".join(core)} - {""}


@cache
def keys_by_kelurahan() -> dict[str, frozenset[str]]:
    """Return kelurahan slug -> the place keys a business there answers to."""
    found: dict[str, set[str]] = {}
    for spelling, slug in _kelurahan_by_key().items():
        found.setdefault(slug, set()).add(spelling)
    for sentra in reference_data()["sentra"]:
        slug = _kelurahan_by_key().get(place_key(sentra["kelurahan"]))
        if slug:
            found[slug] |= _sentra_keys(sentra)
    for line in data_lines("places.txt"):
        alias, _, kelurahan = (part.strip() for part in line.partition("="))
        slug = _kelurahan_by_key().get(place_key(kelurahan))
        if slug:
            found[slug].add(place_key(alias))
    return {slug: frozenset(keys) for slug, keys in found.items()}


@cache
def known_keys() -> frozenset[str]:
    kecamatan = {place_key(k["name"]) for k in reference_data()["kecamatan"]}
    return frozenset(kecamatan.union(*keys_by_kelurahan().values()))


@cache
def place_words() -> frozenset[str]:
    """Return every word of every place name (never stemmed: "Penanggungan" stays)."""
    names = [k["name"] for k in reference_data()["kecamatan"]]
    names += [kel["name"] for k in reference_data()["kecamatan"] for kel in k["kelurahan"]]
    words = {w for name in names for w in plain_words(name)}
    for sentra in reference_data()["sentra"]:
        product_words = {w for p in sentra["products"] for w in plain_words(p)}
        words |= set(plain_words(sentra["name"])) - GENERIC - product_words
    return frozenset(words)


def document_places(kecamatan_slug: str, kelurahan_slug: str) -> str:
    """Return the place keys of a business, space-separated, for the `place` field."""
    keys = {place_key(kecamatan_slug)} | keys_by_kelurahan().get(kelurahan_slug, frozenset())
    return " ".join(sorted(keys))


def find_places(text: str) -> list[tuple[str, int, int]]:
    """Return (key, start, end) of the places named in `text`, longest names first.

    >>> [k for k, _, _ in find_places("keripik tempe kampung sanan")]
    ['kampungsanan']
    """
    spans = [(m.group(), m.start(), m.end()) for m in re.finditer(r"\w+", text or "")]
    found, i = [], 0
    while i < len(spans):
        for n in range(min(MAX_WORDS, len(spans) - i), 0, -1):
            candidate = "".join(place_key(w) for w, _, _ in spans[i:i + n])
            if candidate in known_keys():
                found.append((candidate, spans[i][1], spans[i + n - 1][2]))
                i += n
                break
        else:
            i += 1
    return found


@cache
def place_names() -> list[tuple[str, str]]:
    """Return (name as written, key) of every kecamatan, kelurahan and sentra, for completion."""
    names = [k["name"] for k in reference_data()["kecamatan"]]
    for k in reference_data()["kecamatan"]:
        for kel in k["kelurahan"]:
            names += [kel["name"], *kel["also_written"]]
    names += [s["name"] for s in reference_data()["sentra"]]
    return [(name, place_key(name)) for name in dict.fromkeys(names)]
