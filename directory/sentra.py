"""Sentra (production centres, thematic kampung) and creative-economy subsectors as data.

Both lists ship in `data/reference.json`; a business names one of each by slug, and staff
may type either the name or the slug, in any case.
"""

from functools import cache

from .messages import Invalid
from .reference import reference_data


@cache
def all_sentra() -> list[dict]:
    """Return every sentra: slug, name, products, kelurahan, kecamatan, note, named_by_city_2024."""
    return list(reference_data()["sentra"])


@cache
def sentra_by_slug() -> dict[str, dict]:
    return {s["slug"]: s for s in all_sentra()}


@cache
def subsectors() -> list[dict]:
    """Return the 17 ekraf subsectors: slug and name."""
    return list(reference_data()["subsectors"])


@cache
def subsector_by_slug() -> dict[str, dict]:
    return {s["slug"]: s for s in subsectors()}


def _lookup(items: list[dict]) -> dict[str, str]:
    return {spelling.casefold(): item["slug"] for item in items
            for spelling in (item["slug"], item["name"])}


@cache
def _sentra_names() -> dict[str, str]:
    return _lookup(all_sentra())


@cache
def _subsector_names() -> dict[str, str]:
    return _lookup(subsectors())


def sentra_slug(text: str) -> str:
    """Return the slug of the sentra named `text`, ignoring case; Invalid when unknown.

    >>> sentra_slug("kampung sanan"), sentra_slug("sentra-keramik-dinoyo")
    ('kampung-sanan', 'sentra-keramik-dinoyo')
    """
    found = _sentra_names().get(" ".join(text.split()).casefold())
    if not found:
        raise Invalid("unknown_sentra", value=text)
    return found


def subsector_slug(text: str) -> str:
    """Return the slug of the ekraf subsector named `text`, ignoring case; Invalid if unknown.

    >>> subsector_slug("kriya"), subsector_slug("Film, Animasi, dan Video")
    ('kriya', 'film-animasi-dan-video')
    """
    found = _subsector_names().get(" ".join(text.split()).casefold())
    if not found:
        raise Invalid("unknown_subsector", value=text)
    return found


def sentra_name(slug: str | None) -> str | None:
    return sentra_by_slug()[slug]["name"] if slug in sentra_by_slug() else None


def subsector_name(slug: str | None) -> str | None:
    return subsector_by_slug()[slug]["name"] if slug in subsector_by_slug() else None


def about(sentra: dict) -> str:
    """One Indonesian paragraph on a sentra, from its reference data."""
    products = ", ".join(sentra["products"])
    if sentra["named_by_city_2024"]:
        text = (f"{sentra['name']} adalah salah satu dari tujuh sentra produksi yang disebut "
                f"Pemerintah Kota Malang pada Agustus 2024, dikenal dengan {products}.")
    else:
        text = f"{sentra['name']} adalah kampung tematik yang juga dicari orang: {products}."
    if sentra["kelurahan"]:
        return (f"{text} Letaknya di Kelurahan {sentra['kelurahan']}, "
                f"Kecamatan {sentra['kecamatan']}.")
    return (f"{text} Letaknya di Kecamatan {sentra['kecamatan']} (sumber kami tidak menyebut "
            "kelurahannya).")
