"""Validate one raw row against the format and the reference data.

A row yields either a clean ImportRow or the list of what is wrong with it.
"""

import difflib
from dataclasses import dataclass
from datetime import date
from functools import cache

from .. import geo, hours
from .. import normalise as fields
from ..messages import Invalid, Message, Note
from ..reference import (
    MAX_LENGTH,
    KelurahanElsewhere,
    UnknownKelurahan,
    kecamatan_lookup,
    kecamatan_names,
    locate,
    place_key,
    reference_data,
)
from ..sentra import sentra_slug, subsector_slug
from . import commerce
from .readers import RawRow

SIMILAR = 0.7  # difflib ratio from which a reference name is offered for a misspelling

RowError = Note  # an error is a note about a row that was skipped


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
    latitude: float | None = None
    longitude: float | None = None
    maps_url: str | None = None
    opening_hours: str | None = None
    status: str | None = None
    verified_on: date | None = None
    slug_column: str = "slug"  # the slug's header as the file wrote it, for reports
    # Optional "more about a business" columns: a blank cell changes nothing stored.
    price: tuple[int, int] | None = None
    order_links: tuple[dict, ...] | None = None
    qris: bool | None = None
    nib: str | None = None
    halal: str | None = None
    pirt: str | None = None
    photos: tuple[str, ...] = ()  # file names inside a .zip import
    sentra: str | None = None
    subsector: str | None = None

    def details(self) -> dict:
        """Return the business fields this row gives (the latest row's win).

        A blank sentra, subsector or where-and-when cell leaves the stored value
        (optional columns, DATA-FORMAT.md).
        """
        kept = {name: value for name, value in (("sentra_slug", self.sentra),
                                                 ("subsector_slug", self.subsector)) if value}
        given = {name: getattr(self, name) for name in WHERE_WHEN
                 if getattr(self, name) is not None}
        return given | kept | {
            "name": self.name, "owner": self.owner, "category_slug": self.category,
            "kelurahan_slug": self.kelurahan, "address": self.address,
            "products": list(self.products), "description": self.description,
            "instagram": self.instagram, "whatsapp": self.whatsapp, "website": self.website,
            "established": self.established, "fictional": self.fictional,
            **self.commerce(),
        }

    def commerce(self) -> dict:
        """Return the optional buying and legal fields this row gives (blank ones left out)."""
        given = {"qris": self.qris, "nib": self.nib, "halal": self.halal, "pirt": self.pirt}
        if self.price is not None:
            given.update(price_min=self.price[0], price_max=self.price[1])
        if self.order_links is not None:
            given["order_links"] = [dict(link) for link in self.order_links]
        return {k: v for k, v in given.items() if v is not None}


WHERE_WHEN = ("latitude", "longitude", "maps_url", "opening_hours", "status", "verified_on")


@cache
def _labels(kind: str) -> dict[str, str]:
    """Return casefolded slug or label -> slug for categories or rubrics."""
    lookup = {}
    for item in reference_data()[kind]:
        for spelling in (item["slug"], item["label"], item.get("label_en", "")):
            if spelling:
                lookup[spelling.casefold()] = item["slug"]
    return lookup


@cache
def _names(kind: str, kecamatan: str | None = None) -> dict[str, str]:
    """Return match key -> the name to offer, for kecamatan, kelurahan, category or rubric."""
    data = reference_data()
    if kind == "kecamatan":
        return {place_key(k["name"]): k["name"] for k in data["kecamatan"]}
    if kind == "kelurahan":
        return {place_key(spelling): kelurahan["name"]
                for k in data["kecamatan"] if kecamatan in (None, k["slug"])
                for kelurahan in k["kelurahan"]
                for spelling in (kelurahan["name"], *kelurahan["also_written"])}
    return {key.casefold(): item["slug"] for item in data[kind]
            for key in (item["slug"], item["label"])}


def nearest(kind: str, typed: str, kecamatan: str | None = None) -> str | None:
    """Return the reference name closest to a misspelling, if one is close enough.

    >>> nearest("kecamatan", "Lowokwaroe"), nearest("categories", "kulinerr")
    ('Lowokwaru', 'kuliner')
    """
    names = _names(kind, kecamatan)
    key = place_key(typed) if kind in ("kecamatan", "kelurahan") else typed.casefold()
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=SIMILAR)
    return names[close[0]] if close else None


OPTIONAL = {
    "owner": str, "address": str, "description": str,
    "instagram": fields.instagram_handle, "whatsapp": fields.whatsapp_number,
    "website": fields.website_url, "post_url": fields.post_url,
    "reach": fields.whole_number, "established": fields.year, "fictional": fields.boolean,
    "maps_url": lambda v: _as_invalid(geo.map_url, v, "link"),
    "opening_hours": lambda v: _as_invalid(hours.to_osm, v, "opening_hours"),
    "status": fields.business_status,
    "verified_on": fields.verified_date,
    "price_range": commerce.price_range, "order_links": commerce.order_links,
    "qris": fields.boolean, "nib": commerce.nib, "halal": commerce.halal_certificate,
    "pirt": commerce.pirt, "sentra": sentra_slug, "subsector": subsector_slug,
}
LISTS = ("products", "order_links", "photos")  # a JSON list is accepted for these


def validate(raw: RawRow) -> tuple[ImportRow | None, list[RowError]]:
    """Return the clean row, or None and every error found in it."""
    values, errors, clean = raw.values, [], {}

    def fail(column: str, code: str, **params) -> None:
        errors.append(RowError(raw.line, column, Message(code, params),
                               "row" if column == "row" else raw.header(column)))

    def refuse(column: str, error: ValueError) -> None:
        message = error.message if isinstance(error, Invalid) else Message(
            "invalid", {"value": values[column], "detail": str(error)})
        errors.append(RowError(raw.line, column, message, raw.header(column)))

    for marker in ("__error__", "__extra__"):
        if marker in values:
            errors.append(RowError(raw.line, "row", values[marker]))
    for column, value in values.items():
        if column not in (*LISTS, "__error__", "__extra__") and not isinstance(value, str):
            fail(column, "not_text")
        elif "\x00" in str(value):  # PostgreSQL's text cannot store it; no name needs it
            fail(column, "nul")
    if errors:
        return None, errors

    for column in ("featured_on", "rubric", "name", "category", "district", "kelurahan"):
        if not values.get(column):
            fail(column, "required")
    for column, limit in MAX_LENGTH.items():
        if len(values.get(column, "")) > limit:
            fail(column, "too_long", limit=limit)

    if values.get("featured_on"):
        try:
            clean["featured_on"] = fields.featured_date(values["featured_on"])
        except ValueError as error:
            refuse("featured_on", error)
    for column, kind in (("rubric", "rubrics"), ("category", "categories")):
        if values.get(column):
            clean[column] = _labels(kind).get(values[column].casefold())
            if not clean[column]:
                fail(column, f"unknown_{column}", value=values[column],
                     suggest=nearest(kind, values[column]))
    kecamatan = kecamatan_lookup().get(place_key(values.get("district", "")))
    if values.get("district") and not kecamatan:
        fail("district", "unknown_kecamatan", value=values["district"],
             suggest=nearest("kecamatan", values["district"]))
    if values.get("kelurahan"):
        try:
            clean["kelurahan"] = locate(values["kelurahan"],
                                        values["district"] if kecamatan else None).kelurahan
        except UnknownKelurahan:
            fail("kelurahan", "unknown_kelurahan", value=values["kelurahan"],
                 suggest=nearest("kelurahan", values["kelurahan"], kecamatan)
                 or nearest("kelurahan", values["kelurahan"]))
        except KelurahanElsewhere as elsewhere:
            fail("kelurahan", "kelurahan_elsewhere", value=values["kelurahan"],
                 kecamatan=values["district"], actual=kecamatan_names()[elsewhere.actual])

    name = " ".join(values.get("name", "").split())
    slug = values.get("slug") or fields.slugify(name)
    if values.get("slug") and fields.slugify(values["slug"]) != values["slug"]:
        fail("slug", "slug_form", value=values["slug"])
    elif name and not slug:
        fail("slug", "slug_underivable")
    clean.update(name=name, slug=slug)
    clean["products"] = tuple(fields.products_list(values.get("products", "")))
    if values.get("photos"):
        clean["photos"] = tuple(fields.products_list(values["photos"]))

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
                refuse(column, error)
    _location(values, clean, fail)
    if errors:
        return None, errors
    if "price_range" in clean:
        clean["price"] = clean.pop("price_range")
    if "order_links" in clean:
        clean["order_links"] = tuple(clean["order_links"])
    return ImportRow(line=raw.line, slug_column=raw.header("slug"), **clean), []


def _as_invalid(parse, value: str, code: str):
    """Run a where-and-when parser; its refusal becomes the report's coded reason."""
    try:
        return parse(value)
    except ValueError:
        raise Invalid(code, value=value) from None


def _location(values: dict, clean: dict, fail) -> None:
    """Coordinates from latitude/longitude, else from the map link; inside the city's box."""
    lat, lon = values.get("latitude"), values.get("longitude")
    if bool(lat) != bool(lon):
        fail("longitude" if lat else "latitude", "both_coordinates")
        return
    point = None
    if lat:
        for column, kind, kind_id in (("latitude", "latitude", "lintang"),
                                      ("longitude", "longitude", "bujur")):
            try:
                geo.coordinate(values[column], kind)
            except ValueError:
                fail(column, "coordinate", value=values[column], kind=kind, kind_id=kind_id)
                return
        point = (geo.coordinate(lat, "latitude"), geo.coordinate(lon, "longitude"))
    elif clean.get("maps_url"):
        point = geo.point_from_map_url(clean["maps_url"])
    if point is None:
        return
    if not geo.in_box(*point):
        fail("latitude" if lat else "maps_url", "outside_city", value=f"{point[0]},{point[1]}")
        return
    clean["latitude"], clean["longitude"] = point
