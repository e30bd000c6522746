"""The JSON files: NDJSON, one JSON document and GeoJSON, with one record per business."""

import json
from collections.abc import Iterator

from ..importers.commerce import format_price_range
from ..models import Business, Photo, db
from .csv_files import cell_text
from .selection import (
    BATCH,
    ExportFilter,
    Row,
    business_rows,
    features_of,
    photos_of,
    record_batches,
)


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
        "created_at": cell_text(row.created_at), "updated_at": cell_text(row.updated_at),
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
            business_rows().where(Business.id.in_(ids[start:start + BATCH]))).all()
        features = features_of([r.id for r in rows])
        photos = photos_of([r.id for r in rows])
        records.update((row.id, business_record(Row(row, photos.get(row.id, [])),
                                                features.get(row.id, [])))
                       for row in rows)
    return records


def _json_batches(selection: ExportFilter) -> Iterator[list[str]]:
    for batch in record_batches(selection):
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
    for batch in record_batches(selection):
        lines = [json.dumps(_geojson_feature(row, features), ensure_ascii=False)
                 for row, features in batch]
        yield (separator + ",\n".join(lines)).encode("utf-8")
        separator = ",\n"
    yield b"\n]}\n"
