"""Which rows an export holds: live businesses by the search filters, read in batches.

Rows are read in keyset batches (`WHERE id > last ORDER BY id LIMIT n`), each a short query
of its own: memory stays at one batch at any size, and a slow download never holds SQLite's
read lock (which would block a staff import) for the whole transfer.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import exists, extract, func, or_, select

from .. import services, timestamps
from ..importers.commerce import PRICE_BANDS
from ..models import Business, Category, Feature, Kecamatan, Kelurahan, Photo, db
from ..search import SearchRequest

BATCH = 1000


@dataclass(frozen=True)
class ExportFilter:
    """The search filters of GET /businesses, already validated (slugs, years as text)."""

    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


def business_rows():
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
    statement = _apply_filters(business_rows(), selection.filters).order_by(Business.id)
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


def record_batches(selection: ExportFilter, feature_filters: dict | None = None):
    """Yield (business row, its appearances) batch by batch."""
    for rows in business_batches(selection):
        features = features_of([r.id for r in rows], feature_filters)
        photos = photos_of([r.id for r in rows])
        yield [(Row(row, photos.get(row.id, [])), features.get(row.id, [])) for row in rows]


class Row:
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
