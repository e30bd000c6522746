"""Open data: every public business and appearance as CSV, NDJSON or JSON, streamed.

Rows are read in keyset batches (`WHERE id > last ORDER BY id LIMIT n`), each a short query
of its own: memory stays at one batch at any size, and a slow download never holds SQLite's
read lock (which would block a staff import) for the whole transfer.
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, extract, func, or_, select

from . import services, timestamps
from .importers.commerce import PRICE_BANDS, format_price_range
from .importers.readers import FORMULA_START
from .models import Business, Category, Feature, Kecamatan, Kelurahan, Photo, db
from .search import SearchRequest

BATCH = 1000

WHERE_WHEN_COLUMNS = ("latitude", "longitude", "maps_url", "opening_hours", "status",
                      "verified_on")
# The staff import format's columns, in its order: features.csv imports back unchanged.
# district_code is derived (the importer reads it back without a warning).
FEATURE_COLUMNS = ("featured_on", "rubric", "slug", "name", "owner", "category", "district",
                   "district_code", "kelurahan", "address", "products", "description",
                   "instagram", "whatsapp", "website", "post_url", "reach", "established",
                   "fictional", "sentra", "subsector",
                   "price_range", "order_links", "qris", "nib", "halal", "pirt",
                   *WHERE_WHEN_COLUMNS)
BUSINESS_COLUMNS = ("slug", "name", "owner", "category", "district", "district_code",
                    "kelurahan", "address", "products", "description", "instagram",
                    "whatsapp", "website", "established", "sentra", "subsector", "appearances",
                    "first_featured_on", "last_featured_on", "rubrics", "latest_post_url",
                    "fictional", "updated_at",
                    "price_min", "price_max", "order_links", "qris", "nib", "halal", "pirt",
                    "photos", *WHERE_WHEN_COLUMNS)
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


@dataclass(frozen=True)
class ExportFilter:
    """The search filters of GET /businesses, already validated (slugs, years as text)."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _business_rows():
    return (select(Business.id, Business.slug, Business.name, Business.owner,
                   Business.category_slug.label("category"), Category.label.label("category_label"),
                   Kecamatan.name.label("district"), Kecamatan.slug.label("district_slug"),
                   Kecamatan.code.label("district_code"),
                   Kelurahan.name.label("kelurahan"), Business.kelurahan_slug,
                   Business.address, Business.products, Business.description,
                   Business.instagram, Business.whatsapp, Business.website,
                   Business.established, Business.sentra_slug.label("sentra"),
                   Business.subsector_slug.label("subsector"),
                   Business.fictional, Business.created_at,
                   Business.updated_at, Business.price_min, Business.price_max,
                   Business.order_links, Business.qris, Business.nib, Business.halal,
                   Business.pirt, Business.latitude, Business.longitude,
                   Business.maps_url, Business.opening_hours, Business.status,
                   Business.verified_on)
            .join(Category, Category.slug == Business.category_slug)
            .join(Kelurahan, Kelurahan.slug == Business.kelurahan_slug)
            .join(Kecamatan, Kecamatan.slug == Kelurahan.kecamatan_slug)
            .where(Business.deleted_at.is_(None)))


def _apply_filters(statement, filters: dict[str, tuple[str, ...]]):
    # The same meaning as the index's keyword filters: values OR, filters AND.
    if filters.get("category"):
        statement = statement.where(Business.category_slug.in_(filters["category"]))
    if filters.get("district"):
        statement = statement.where(Kelurahan.kecamatan_slug.in_(filters["district"]))
    if filters.get("kelurahan"):
        statement = statement.where(Business.kelurahan_slug.in_(filters["kelurahan"]))
    if filters.get("sentra"):
        statement = statement.where(Business.sentra_slug.in_(filters["sentra"]))
    if filters.get("subsector"):
        statement = statement.where(Business.subsector_slug.in_(filters["subsector"]))
    if filters.get("rubric"):
        statement = statement.where(exists().where(
            Feature.business_id == Business.id, Feature.rubric_slug.in_(filters["rubric"])))
    if filters.get("year"):
        years = [int(y) for y in filters["year"]]
        statement = statement.where(exists().where(
            Feature.business_id == Business.id, extract("year", Feature.featured_on).in_(years)))
    return _apply_commerce_filters(statement, filters)


def _apply_commerce_filters(statement, filters: dict[str, tuple[str, ...]]):
    if filters.get("price_max"):
        statement = statement.where(Business.price_min <= int(filters["price_max"][0]))
    if filters.get("price"):
        bands = [band_condition(key) for key in filters["price"]]
        statement = statement.where(or_(*bands))
    if filters.get("halal"):
        has = Business.halal.is_not(None)
        statement = statement.where(has if "1" in filters["halal"] else ~has)
    if filters.get("qris"):
        statement = statement.where(Business.qris.is_("1" in filters["qris"]))
    return statement


def band_condition(key: str):
    """The SQL of one price band, as the index assigns it (commerce.price_band)."""
    lower = 0
    for band, upper, _label in PRICE_BANDS:
        if band == key:
            condition = Business.price_min >= lower
            return condition if upper is None else condition & (Business.price_min < upper)
        lower = upper
    raise ValueError(key)


def business_batches(selection: ExportFilter, batch: int = BATCH) -> Iterator[list]:
    """Yield the selected live businesses as lists of rows, in id order."""
    statement = _apply_filters(_business_rows(), selection.filters).order_by(Business.id)
    if selection.text:
        # Words need the index (its analyzer); rows still come from the database.
        ids = services.matching_ids(SearchRequest(text=selection.text,
                                                  filters=selection.filters))
        for start in range(0, len(ids), batch):
            rows = db.session.execute(
                statement.where(Business.id.in_(ids[start:start + batch]))).all()
            if rows:
                yield rows
        return
    last = 0
    while True:
        rows = db.session.execute(statement.where(Business.id > last).limit(batch)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def features_of(business_ids: list[int], filters: dict | None = None) -> dict[int, list]:
    """Return each business's appearances, oldest first; rubric/year filters apply to them."""
    filters = filters or {}
    statement = (select(Feature.business_id, Feature.rubric_slug, Feature.featured_on,
                        Feature.post_url, Feature.reach)
                 .where(Feature.business_id.in_(business_ids))
                 .order_by(Feature.business_id, Feature.featured_on, Feature.rubric_slug))
    if filters.get("rubric"):
        statement = statement.where(Feature.rubric_slug.in_(filters["rubric"]))
    if filters.get("year"):
        statement = statement.where(
            extract("year", Feature.featured_on).in_([int(y) for y in filters["year"]]))
    found: dict[int, list] = {}
    for row in db.session.execute(statement):
        found.setdefault(row.business_id, []).append(row)
    return found


def _records(selection: ExportFilter, feature_filters: dict | None = None):
    """Yield (business row, its appearances) batch by batch."""
    for rows in business_batches(selection):
        features = features_of([r.id for r in rows], feature_filters)
        photos = photos_of([r.id for r in rows])
        yield [(_Row(row, photos.get(row.id, [])), features.get(row.id, [])) for row in rows]


class _Row:
    """A business row with its photos beside it."""

    def __init__(self, row, photos):
        self._row, self.photos = row, photos

    def __getattr__(self, name):
        return getattr(self._row, name)

    def _asdict(self) -> dict:
        return {**self._row._asdict(), "photos": self.photos}


def photos_of(business_ids: list[int]) -> dict[int, list[Photo]]:
    """Return each business's photos in their order."""
    found: dict[int, list[Photo]] = {}
    statement = (select(Photo).where(Photo.business_id.in_(business_ids))
                 .order_by(Photo.business_id, Photo.position, Photo.id))
    for photo in db.session.scalars(statement):
        found.setdefault(photo.business_id, []).append(photo)
    return found


def _order_urls(links) -> list[str]:
    return [link["url"] for link in links or []]


def _commerce(row) -> dict:
    """The buying and legal fields of a row, in the exports' flat form."""
    return {"price_range": format_price_range(row.price_min, row.price_max),
            "order_links": _order_urls(row.order_links)}


# -- CSV -----------------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(value)
    if isinstance(value, datetime):
        return timestamps.rfc3339(value)
    return str(value)


def _defuse(text: str) -> str:
    # OWASP's advice for files opened in a spreadsheet: a leading ' makes a formula text.
    # Texts of quotes then a formula start ("'+x") get one more too: the importer drops
    # one before such a start (importers.readers.unguard), so it reads back what was written.
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


class CsvRows:
    """Turn batches of dicts into encoded CSV chunks, one chunk per batch."""

    def __init__(self, columns, delimiter=",", bom=False):
        self.columns, self.bom = columns, bom
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=delimiter, lineterminator="\r\n")

    def _take(self) -> bytes:
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        return data

    def stream(self, batches: Iterable[list[dict]]) -> Iterator[bytes]:
        self.writer.writerow(self.columns)
        yield (b"\xef\xbb\xbf" if self.bom else b"") + self._take()
        clean = _defuse if self.bom else (lambda text: text)
        for batch in batches:
            for record in batch:
                self.writer.writerow([clean(_text(record[c])) for c in self.columns])
            yield self._take()


def _business_summary(row, features) -> dict:
    record = row._asdict()
    record.update(
        appearances=len(features),
        first_featured_on=features[0].featured_on if features else None,
        last_featured_on=features[-1].featured_on if features else None,
        rubrics=sorted({f.rubric_slug for f in features}),
        latest_post_url=next((f.post_url for f in reversed(features) if f.post_url), None),
        order_links=_order_urls(row.order_links), photos=len(row.photos),
    )
    return record


def businesses_csv(selection: ExportFilter, delimiter=",", bom=False) -> Iterator[bytes]:
    batches = ([_business_summary(row, features) for row, features in batch]
               for batch in _records(selection))
    return CsvRows(BUSINESS_COLUMNS, delimiter, bom).stream(batches)


def features_csv(selection: ExportFilter, delimiter=",", bom=False) -> Iterator[bytes]:
    """One row per appearance, in the staff import format (it imports back as it is)."""
    def batches():
        for batch in _records(selection, selection.filters):
            yield [{**row._asdict(), **_commerce(row), "featured_on": f.featured_on,
                    "rubric": f.rubric_slug, "post_url": f.post_url, "reach": f.reach}
                   for row, features in batch for f in features]
    return CsvRows(FEATURE_COLUMNS, delimiter, bom).stream(batches())


# -- JSON ----------------------------------------------------------------------------------

def business_record(row, features) -> dict:
    """The JSON form of one business: typed values, every appearance newest first."""
    return {
        "slug": row.slug, "name": row.name, "owner": row.owner,
        "category": row.category, "category_label": row.category_label,
        "district": row.district, "district_slug": row.district_slug,
        "district_code": row.district_code,
        "kelurahan": row.kelurahan, "kelurahan_slug": row.kelurahan_slug,
        "address": row.address, "products": list(row.products or []),
        "description": row.description, "instagram": row.instagram,
        "whatsapp": row.whatsapp, "website": row.website, "established": row.established,
        "sentra": row.sentra, "subsector": row.subsector,
        "fictional": bool(row.fictional),
        "price_min": row.price_min, "price_max": row.price_max,
        "price_range": format_price_range(row.price_min, row.price_max),
        "order_links": [{"platform": link["platform"], "url": link["url"]}
                        for link in row.order_links or []],
        "qris": row.qris, "nib": row.nib, "halal": row.halal, "pirt": row.pirt,
        "photos": [photo_record(p) for p in row.photos],
        "created_at": _text(row.created_at), "updated_at": _text(row.updated_at),
        "url": f"/api/v1/businesses/{row.slug}",
        "location": ({"lat": row.latitude, "lon": row.longitude}
                     if row.latitude is not None and row.longitude is not None else None),
        "maps_url": row.maps_url, "opening_hours": row.opening_hours,
        "status": row.status or "buka",
        "verified_on": row.verified_on.isoformat() if row.verified_on else None,
        "features": [{"rubric": f.rubric_slug, "featured_on": f.featured_on.isoformat(),
                      "post_url": f.post_url, "reach": f.reach} for f in reversed(features)],
    }


def photo_record(photo: Photo) -> dict:
    """A photo in the exports: its largest JPEG and the words that go with it."""
    largest = photo.widths[-1] if photo.widths else photo.width
    return {"url": f"/photos/{photo.digest}-{largest}.jpg", "width": photo.width,
            "height": photo.height, "alt": photo.alt or photo.caption or "",
            "credit": photo.credit}


def business_records(ids: list[int]) -> dict[int, dict]:
    """Return business id -> its export record, for the live businesses among `ids`."""
    records = {}
    for start in range(0, len(ids), BATCH):
        rows = db.session.execute(
            _business_rows().where(Business.id.in_(ids[start:start + BATCH]))).all()
        features = features_of([r.id for r in rows])
        photos = photos_of([r.id for r in rows])
        records.update((row.id, business_record(_Row(row, photos.get(row.id, [])),
                                                features.get(row.id, [])))
                       for row in rows)
    return records


def _json_batches(selection: ExportFilter) -> Iterator[list[str]]:
    for batch in _records(selection):
        yield [json.dumps(business_record(row, features), ensure_ascii=False)
               for row, features in batch]


def businesses_ndjson(selection: ExportFilter) -> Iterator[bytes]:
    """One JSON object per line."""
    for lines in _json_batches(selection):
        yield ("\n".join(lines) + "\n").encode("utf-8")


def businesses_json(selection: ExportFilter, meta: dict) -> Iterator[bytes]:
    """One JSON document `{"meta": {...}, "items": [...]}`, written piece by piece."""
    head = json.dumps({"meta": meta}, ensure_ascii=False)[:-1]
    yield (head + ', "items": [\n').encode("utf-8")
    separator = ""
    for lines in _json_batches(selection):
        yield (separator + ",\n".join(lines)).encode("utf-8")
        separator = ",\n"
    yield b"\n]}\n"


def _geojson_feature(row, features) -> dict:
    record = business_record(row, features)
    location = record.pop("location")
    # RFC 7946: [longitude, latitude]; a business without a point keeps a null geometry.
    geometry = ({"type": "Point", "coordinates": [location["lon"], location["lat"]]}
                if location else None)
    return {"type": "Feature", "id": row.slug, "geometry": geometry, "properties": record}


def businesses_geojson(selection: ExportFilter) -> Iterator[bytes]:
    """One GeoJSON FeatureCollection (RFC 7946, WGS84), written piece by piece."""
    yield b'{"type": "FeatureCollection", "features": [\n'
    separator = ""
    for batch in _records(selection):
        lines = [json.dumps(_geojson_feature(row, features), ensure_ascii=False)
                 for row, features in batch]
        yield (separator + ",\n".join(lines)).encode("utf-8")
        separator = ",\n"
    yield b"\n]}\n"


def businesses_list(selection: ExportFilter) -> list[dict]:
    """Every record at once, in memory: what streaming avoids (kept for the benchmark)."""
    return [business_record(row, features)
            for batch in _records(selection) for row, features in batch]


# -- versions ------------------------------------------------------------------------------

def data_version() -> str:
    """Return a short tag that changes whenever any exported value can have changed."""
    businesses = db.session.execute(select(
        func.count(Business.id), func.max(Business.updated_at), func.max(Business.deleted_at),
        func.max(Business.id))).one()
    features = db.session.execute(select(
        func.count(Feature.id), func.max(Feature.id), func.sum(func.coalesce(Feature.reach, 0)),
        func.sum(func.length(func.coalesce(Feature.post_url, ""))))).one()
    photos = db.session.execute(select(
        func.count(Photo.id), func.max(Photo.id), func.sum(Photo.position))).one()
    return hashlib.sha1(repr((tuple(businesses), tuple(features), tuple(photos)))
                        .encode()).hexdigest()[:20]


def generated_at() -> str:
    return timestamps.now()
