"""Validate one raw row against the format and the reference data.

A row yields either a clean ImportRow or the list of what is wrong with it.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

from ..reference import kecamatan_lookup, kelurahan_lookup, place_key, reference_data
from ..sentra import sentra_slug, subsector_slug
from . import fields
from .readers import RawRow

MAX_LENGTH = {"name": 200, "owner": 200, "address": 300, "description": 5000, "slug": 120}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


@dataclass(frozen=True)
class ImportRow:
    line: int
    featured_on: date
    rubric: str
    slug: str
    name: str
    category: str
    kelurahan: str
    owner: str | None = None
    address: str | None = None
    products: tuple[str, ...] = ()
    description: str | None = None
    instagram: str | None = None
    whatsapp: str | None = None
    website: str | None = None
    post_url: str | None = None
    reach: int | None = None
    established: int | None = None
    fictional: bool = False
    sentra: str | None = None
    subsector: str | None = None

    def details(self) -> dict:
        """Return the business fields this row gives (the latest row's win).

        A blank sentra or subsector leaves the stored one (optional columns, DATA-FORMAT.md).
        """
        kept = {name: value for name, value in (("sentra_slug", self.sentra),
                                                 ("subsector_slug", self.subsector)) if value}
        return kept | {
            "name": self.name, "owner": self.owner, "category_slug": self.category,
            "kelurahan_slug": self.kelurahan, "address": self.address,
            "products": list(self.products), "description": self.description,
            "instagram": self.instagram, "whatsapp": self.whatsapp, "website": self.website,
            "established": self.established, "fictional": self.fictional,
        }


@cache
def _labels(kind: str) -> dict[str, str]:
    """Return casefolded slug or label -> slug for categories or rubrics."""
    lookup = {}
    for item in reference_data()[kind]:
        for spelling in (item["slug"], item["label"], item.get("label_en", "")):
            if spelling:
                lookup[spelling.casefold()] = item["slug"]
    return lookup


OPTIONAL = {
    "owner": str, "address": str, "description": str,
    "instagram": fields.instagram_handle, "whatsapp": fields.whatsapp_number,
    "website": fields.website_url, "post_url": fields.post_url,
    "reach": fields.whole_number, "established": fields.year, "fictional": fields.boolean,
    "sentra": sentra_slug, "subsector": subsector_slug,
}


def validate(raw: RawRow) -> tuple[ImportRow | None, list[RowError]]:
    """Return the clean row, or None and every error found in it."""
    values, errors, clean = raw.values, [], {}

    def fail(column: str, reason: str) -> None:
        errors.append(RowError(raw.line, column, reason))

    for marker in ("__error__", "__extra__"):
        if marker in values:
            fail("row", values[marker])
    for column, value in values.items():
        if column not in ("products", "__error__", "__extra__") and not isinstance(value, str):
            fail(column, "must be text, not a list")
        elif "\x00" in str(value):  # PostgreSQL's text cannot store it; no name needs it
            fail(column, "contains a NUL character")
    if errors:
        return None, errors

    for column in ("featured_on", "rubric", "name", "category", "district", "kelurahan"):
        if not values.get(column):
            fail(column, "is required")
    for column, limit in MAX_LENGTH.items():
        if len(values.get(column, "")) > limit:
            fail(column, f"longer than {limit} characters")

    if values.get("featured_on"):
        try:
            clean["featured_on"] = fields.featured_date(values["featured_on"])
        except ValueError as error:
            fail("featured_on", str(error))
    if values.get("rubric"):
        clean["rubric"] = _labels("rubrics").get(values["rubric"].casefold())
        if not clean["rubric"]:
            fail("rubric", f"unknown rubric {values['rubric']!r}")
    if values.get("category"):
        clean["category"] = _labels("categories").get(values["category"].casefold())
        if not clean["category"]:
            fail("category", f"unknown category {values['category']!r}")
    kecamatan = kecamatan_lookup().get(place_key(values.get("district", "")))
    if values.get("district") and not kecamatan:
        fail("district", f"{values['district']!r} is not a kecamatan of Kota Malang")
    if values.get("kelurahan"):
        found = kelurahan_lookup().get(place_key(values["kelurahan"]))
        if not found:
            fail("kelurahan", f"{values['kelurahan']!r} is not a kelurahan of Kota Malang")
        elif kecamatan and found[1] != kecamatan:
            fail("kelurahan", f"{values['kelurahan']!r} is not in kecamatan {values['district']}")
        else:
            clean["kelurahan"] = found[0]

    name = " ".join(values.get("name", "").split())
    slug = values.get("slug") or fields.slugify(name)
    if values.get("slug") and fields.slugify(values["slug"]) != values["slug"]:
        fail("slug", f"{values['slug']!r} must be lowercase ASCII words joined by hyphens")
    elif name and not slug:
        fail("slug", "cannot be derived from the name; give one")
    clean.update(name=name, slug=slug)
    clean["products"] = tuple(fields.products_list(values.get("products", "")))

    for column, parse in OPTIONAL.items():
        value = values.get(column)
        if value:
            try:
                if parse is not str:
                    clean[column] = parse(value)
                elif column == "description":
                    clean[column] = value.strip()  # keep the post's paragraphs
                else:
                    clean[column] = " ".join(value.split())
            except ValueError as error:
                fail(column, str(error))
    if errors:
        return None, errors
    return ImportRow(line=raw.line, **clean), []
