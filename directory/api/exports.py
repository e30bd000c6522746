"""GET /export/*: the whole directory for journalists and other apps, and its dictionary."""

import hashlib

from flask import Response, current_app, request, stream_with_context
from marshmallow import EXCLUDE, Schema, fields, validate

from .. import dictionary, exports, vocabulary_additions
from ..http_cache import not_modified
from ..schemas import BusinessSearchArgs
from ..search import FILTERS
from ..timestamps import Timestamp
from .blueprint import Blueprint

blp = Blueprint("exports", __name__, description="Open data: everything, as files")


class ExportArgs(BusinessSearchArgs):
    """The filters of GET /businesses, without paging: an export has every match."""

    class Meta:
        unknown = EXCLUDE
        # Every business, closed ones too: exports are the record, not a list of where to go.
        exclude = ("page", "per_page", "sort", "near", "radius", "open_now", "status")


class CsvExportArgs(ExportArgs):
    class Meta(ExportArgs.Meta):
        pass

    bom = fields.Boolean(load_default=False, metadata={
        "description": "Start with a UTF-8 byte-order mark so spreadsheets read the accents; "
                       "also turns cells that start like a formula into text"})
    delimiter = fields.String(load_default="comma",
                              validate=validate.OneOf(sorted(exports.DELIMITERS)),
                              metadata={"description": "semicolon for a spreadsheet set to "
                                                       "Indonesian"})


class FeatureRecordSchema(Schema):
    rubric = fields.String()
    # Already text in the record (the exports write it as they stream); documented as a date.
    featured_on = fields.String(metadata={"format": "date"})
    post_url = fields.String(allow_none=True)
    reach = fields.Integer(allow_none=True)


class OrderLinkRecordSchema(Schema):
    platform = fields.String()
    url = fields.String()


class PhotoRecordSchema(Schema):
    url = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    alt = fields.String()
    credit = fields.String(allow_none=True)


class BusinessRecordSchema(Schema):
    """One business in businesses.json and businesses.ndjson."""

    slug = fields.String()
    name = fields.String()
    owner = fields.String(allow_none=True)
    category = fields.String()
    category_label = fields.String()
    district = fields.String()
    district_slug = fields.String()
    district_code = fields.String(metadata={"description": "Kemendagri code, 35.73.01 to 35.73.05"})
    kelurahan = fields.String()
    kelurahan_slug = fields.String()
    address = fields.String(allow_none=True)
    products = fields.List(fields.String())
    description = fields.String(allow_none=True)
    instagram = fields.String(allow_none=True)
    whatsapp = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    established = fields.Integer(allow_none=True)
    sentra = fields.String(allow_none=True, metadata={"description": "Sentra slug"})
    subsector = fields.String(allow_none=True, metadata={"description": "Ekraf subsector slug"})
    fictional = fields.Boolean()
    price_min = fields.Integer(allow_none=True)
    price_max = fields.Integer(allow_none=True)
    price_range = fields.String(allow_none=True)
    order_links = fields.List(fields.Nested(OrderLinkRecordSchema))
    qris = fields.Boolean(allow_none=True)
    nib = fields.String(allow_none=True)
    halal = fields.String(allow_none=True)
    pirt = fields.String(allow_none=True)
    photos = fields.List(fields.Nested(PhotoRecordSchema))
    created_at = Timestamp()
    updated_at = Timestamp()
    url = fields.String()
    location = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True,
                           metadata={"description": "{lat, lon} (WGS84) or null"})
    maps_url = fields.String(allow_none=True)
    opening_hours = fields.String(allow_none=True,
                                  metadata={"description": "OpenStreetMap syntax; WIB"})
    status = fields.String(metadata={"enum": ["buka", "tutup-sementara", "tutup"]})
    verified_on = fields.String(allow_none=True, metadata={"format": "date"})
    features = fields.List(fields.Nested(FeatureRecordSchema))


class ExportMetaSchema(Schema):
    title = fields.String()
    source = fields.Dict(keys=fields.String(), values=fields.String())
    licence = fields.Dict(keys=fields.String(), values=fields.String())
    fictional = fields.Dict(keys=fields.String(), values=fields.String())
    updates = fields.Dict(keys=fields.String(), values=fields.String())
    generated_at = Timestamp()
    dictionary = fields.String()


class BusinessExportSchema(Schema):
    meta = fields.Nested(ExportMetaSchema)
    items = fields.List(fields.Nested(BusinessRecordSchema))


class DictionaryFieldSchema(Schema):
    name = fields.String()
    type = fields.String()
    id = fields.String(metadata={"description": "Meaning in Bahasa Indonesia"})
    en = fields.String(metadata={"description": "Meaning in English"})


class DictionaryExportSchema(Schema):
    path = fields.String()
    content_type = fields.String()
    id = fields.String()
    en = fields.String()
    fields_ = fields.List(fields.Nested(DictionaryFieldSchema), data_key="fields",
                          attribute="fields")


class VocabularyAdditionSchema(Schema):
    kind = fields.String(metadata={"description": "group or narrower"})
    broader = fields.String(allow_none=True)
    entries = fields.List(fields.String())
    text = fields.String()
    created_at = Timestamp()


class SearchVocabularySchema(Schema):
    id = fields.String()
    en = fields.String()
    additions = fields.List(fields.Nested(VocabularyAdditionSchema))


class DictionarySchema(ExportMetaSchema):
    csv = fields.Dict(keys=fields.String(), values=fields.String())
    exports = fields.List(fields.Nested(DictionaryExportSchema))
    search_vocabulary = fields.Nested(SearchVocabularySchema)


TEXT = {"type": "string"}
# RFC 7946's FeatureCollection, as far as the export fills it (a JSON body, not text).
FEATURE_COLLECTION = {
    "type": "object", "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "string"},
                "geometry": {"type": "object", "nullable": True},
                "properties": {"type": "object"},
            }}},
    },
}


def _selection(q: str, filters: dict) -> exports.ExportFilter:
    return exports.ExportFilter(
        text=q, filters={name: tuple(filters[name]) for name in FILTERS if filters.get(name)})


def _download(make_chunks, content_type: str, filename: str) -> Response:
    """Stream the chunks, or answer 304 when the client has this version already."""
    tag = exports.data_version() + "-" + hashlib.sha1(request.full_path.encode()).hexdigest()[:8]
    unchanged = not_modified(tag)
    if unchanged is not None:
        return unchanged
    response = Response(stream_with_context(make_chunks()), content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(tag, weak=True)
    return response


def _csv_options(bom: bool, delimiter: str) -> dict:
    return {"bom": bom, "delimiter": exports.DELIMITERS[delimiter]}


@blp.route("/export/businesses.csv")
@blp.arguments(CsvExportArgs, location="query", as_kwargs=True)
@blp.response(200, TEXT, content_type="text/csv", description="One row per business")
def export_businesses_csv(q, bom, delimiter, **filters):
    """Download the businesses that match the filters as CSV (all of them by default)."""
    selection = _selection(q, filters)
    return _download(lambda: exports.businesses_csv(selection, **_csv_options(bom, delimiter)),
                     "text/csv; charset=utf-8", "umkm-kota-malang.csv")


@blp.route("/export/features.csv")
@blp.arguments(CsvExportArgs, location="query", as_kwargs=True)
@blp.response(200, TEXT, content_type="text/csv",
              description="One row per appearance, in the staff import format")
def export_features_csv(q, bom, delimiter, **filters):
    """Download every appearance of the matching businesses as CSV.

    `rubric` and `year` also narrow the appearances themselves.
    """
    selection = _selection(q, filters)
    return _download(lambda: exports.features_csv(selection, **_csv_options(bom, delimiter)),
                     "text/csv; charset=utf-8", "umkm-kota-malang-penampilan.csv")


@blp.route("/export/businesses.ndjson")
@blp.arguments(ExportArgs, location="query", as_kwargs=True)
@blp.response(200, TEXT, content_type="application/x-ndjson",
              description="One JSON object per line (see BusinessRecord)")
def export_businesses_ndjson(q, **filters):
    """Download the matching businesses as newline-delimited JSON."""
    selection = _selection(q, filters)
    return _download(lambda: exports.businesses_ndjson(selection),
                     "application/x-ndjson; charset=utf-8", "umkm-kota-malang.ndjson")


@blp.route("/export/businesses.geojson")
@blp.arguments(ExportArgs, location="query", as_kwargs=True)
@blp.response(200, FEATURE_COLLECTION, content_type="application/geo+json",
              description="A GeoJSON FeatureCollection (RFC 7946): one Feature per business, "
                          "its point [longitude, latitude] or a null geometry, the "
                          "BusinessRecord fields as properties")
def export_businesses_geojson(q, **filters):
    """Download the matching businesses as GeoJSON for maps and GIS."""
    selection = _selection(q, filters)
    return _download(lambda: exports.businesses_geojson(selection),
                     "application/geo+json", "umkm-kota-malang.geojson")


@blp.route("/export/businesses.json")
@blp.arguments(ExportArgs, location="query", as_kwargs=True)
@blp.response(200, BusinessExportSchema, description="The licence and source, then every "
              "matching business with its appearances")
def export_businesses_json(q, **filters):
    """Download the matching businesses as one JSON document."""
    selection = _selection(q, filters)
    meta = {**dictionary.about(current_app.config), "generated_at": exports.generated_at(),
            "dictionary": "/api/v1/export/dictionary"}
    return _download(lambda: exports.businesses_json(selection, meta),
                     "application/json", "umkm-kota-malang.json")


@blp.route("/export/dictionary")
@blp.response(200, DictionarySchema)
def export_dictionary():
    """Describe every exported field (type, meaning in Indonesian and English), licence, source."""
    return dictionary.dictionary(current_app.config, vocabulary_additions.listing())
