"""What comes in: the query strings of the public API, validated and turned into slugs.

Places may be written in any case or spelling; they load as the slugs the index holds.
"""

from flask import current_app
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from .. import default_config, geo, where_when
from ..importers.commerce import PRICE_BANDS
from ..models import STATUSES
from ..normalise import MAX_INTEGER
from ..reference import kecamatan_lookup, kelurahan_lookup, place_key, reference_data
from ..search import SORTS
from ..sentra import all_sentra, subsectors


def _slugs(kind: str) -> set[str]:
    return {item["slug"] for item in reference_data()[kind]}


def _spellings(kind: str) -> list[str]:
    """Return the documented values of a place filter: every slug, name and other spelling.

    The API also accepts them in any case (and kelurahan without spaces or hyphens); the
    list is what the OpenAPI document offers clients and test generators.
    """
    places = reference_data()["kecamatan"]
    if kind == "kelurahan":
        places = [kel for kecamatan in places for kel in kecamatan["kelurahan"]]
    return sorted({v for p in places for v in (p["slug"], p["name"], *p.get("also_written", ()))})


def _one_of(values) -> fields.String:
    # Documented as an enum; the @validates below give one readable message for all values.
    return fields.String(metadata={"enum": sorted(values)})


class PageArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# "lat,lon" within Earth's ranges, written out so the OpenAPI document states it (pattern).
_LAT = r"-?(?:90(?:\.0+)?|[0-8]?\d(?:\.\d+)?)"
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7]\d|\d{1,2})(?:\.\d+)?)"
NEAR = validate.Regexp(rf"^{_LAT},{_LON}$",
                       error="Not 'latitude,longitude' (for example -7.9666,112.6326).")


class MaxQueryLength(validate.Validator):
    """validate.Length(max=SEARCH_MAX_QUERY_LENGTH), read from the app's config per request."""

    def __call__(self, value: str) -> str:
        return validate.Length(max=current_app.config["SEARCH_MAX_QUERY_LENGTH"])(value)


# What the OpenAPI document states (one document serves every app): the default limit.
MAX_QUERY_LENGTH = default_config("")["SEARCH_MAX_QUERY_LENGTH"]


class BusinessSearchArgs(PageArgs):
    """Query string of GET /businesses."""

    q = fields.String(load_default="", validate=MaxQueryLength(), metadata={
        "description": f"Words to search for (plain text, max {MAX_QUERY_LENGTH})",
        "maxLength": MAX_QUERY_LENGTH})
    category = fields.List(_one_of(_slugs("categories")), load_default=list,
                           metadata={"description": "Category slug; repeat to OR"})
    district = fields.List(_one_of(_spellings("kecamatan")), load_default=list,
                           metadata={"description": "Kecamatan, any case; repeat to OR"})
    kelurahan = fields.List(_one_of(_spellings("kelurahan")), load_default=list,
                            metadata={"description": "Kelurahan, any spelling; repeat to OR"})
    rubric = fields.List(_one_of(_slugs("rubrics")), load_default=list,
                         metadata={"description": "Rubric slug; repeat to OR"})
    year = fields.List(fields.Integer(validate=validate.Range(min=2000, max=2100)),
                       load_default=list, metadata={"description": "Featured in this year"})
    sentra = fields.List(_one_of(s["slug"] for s in all_sentra()), load_default=list,
                         metadata={"description": "Sentra slug (GET /sentra); repeat to OR"})
    subsector = fields.List(_one_of(s["slug"] for s in subsectors()), load_default=list,
                            metadata={"description": "Ekraf subsector slug (GET /subsectors); "
                                                     "repeat to OR"})
    sort = fields.String(load_default=None, validate=validate.OneOf(SORTS),
                         metadata={"description": "relevance (default with q), newest, name, "
                                                  "distance (default with near)"})
    near = fields.String(load_default=None, validate=[validate.Length(max=60), NEAR], metadata={
        "description": "latitude,longitude (WGS84): sorts by distance and adds distance_m; "
                       "businesses without coordinates come last",
        "example": "-7.9666,112.6326"})
    radius = fields.Integer(load_default=None, validate=validate.Range(min=1, max=geo.MAX_RADIUS_M),
                            metadata={"description": "Metres around `near`; needs `near`"})
    open_now = fields.Boolean(load_default=False, metadata={
        "description": "1: only businesses open now (WIB) by their opening hours"})
    status = fields.List(fields.String(validate=validate.OneOf([*STATUSES, "all"])),
                         load_default=list, metadata={
        "description": "buka, tutup-sementara, tutup or all; repeat to OR. Default: buka and "
                       "tutup-sementara (businesses closed for good are left out)"})
    price = fields.List(fields.String(validate=validate.OneOf([b[0] for b in PRICE_BANDS])),
                        load_default=list,
                        metadata={"description": "Band of the cheapest price; repeat to OR"})
    price_max = fields.Integer(load_default=None,
                               validate=validate.Range(min=0, max=MAX_INTEGER),
                               metadata={"description": "Rupiah: something costs this or less"})
    halal = fields.Boolean(load_default=None,
                           metadata={"description": "1: holds a halal certificate; 0: none "
                                                    "recorded"})
    qris = fields.Boolean(load_default=None,
                          metadata={"description": "1: takes QRIS; 0: does not"})

    @validates("category")
    def _category(self, values, **_):
        unknown = [v for v in values if v not in _slugs("categories")]
        if unknown:
            raise ValidationError(f"Unknown category: {', '.join(unknown)}.")

    @validates("rubric")
    def _rubric(self, values, **_):
        unknown = [v for v in values if v not in _slugs("rubrics")]
        if unknown:
            raise ValidationError(f"Unknown rubric: {', '.join(unknown)}.")

    @validates("sentra")
    def _sentra(self, values, **_):
        unknown = [v for v in values if v not in {s["slug"] for s in all_sentra()}]
        if unknown:
            raise ValidationError(f"Unknown sentra: {', '.join(unknown)}.")

    @validates("subsector")
    def _subsector(self, values, **_):
        unknown = [v for v in values if v not in {s["slug"] for s in subsectors()}]
        if unknown:
            raise ValidationError(f"Unknown subsector: {', '.join(unknown)}.")

    @validates("district")
    def _district(self, values, **_):
        unknown = [v for v in values if place_key(v) not in kecamatan_lookup()]
        if unknown:
            raise ValidationError(f"Unknown kecamatan: {', '.join(unknown)}.")

    @validates("kelurahan")
    def _kelurahan(self, values, **_):
        unknown = [v for v in values if place_key(v) not in kelurahan_lookup()]
        if unknown:
            raise ValidationError(f"Unknown kelurahan: {', '.join(unknown)}.")

    @validates("near")
    def _near(self, value, **_):
        if value is not None:
            try:
                geo.parse_point(value)
            except ValueError as error:
                raise ValidationError(str(error)) from error

    @validates_schema
    def _radius_needs_near(self, data, **_):
        if data.get("radius") is not None and not data.get("near"):
            raise ValidationError("radius needs near=latitude,longitude.", "radius")
        if data.get("sort") == "distance" and not data.get("near"):
            raise ValidationError("sort=distance needs near=latitude,longitude.", "sort")

    @post_load
    def _to_slugs(self, data, **_):
        if data.get("near"):
            data["near"] = geo.parse_point(data["near"])
        if "status" in data:
            data["status"] = () if "all" in data["status"] else \
                tuple(data["status"]) or where_when.LISTED
        data["district"] = [kecamatan_lookup()[place_key(v)] for v in data["district"]]
        data["kelurahan"] = [kelurahan_lookup()[place_key(v)][0] for v in data["kelurahan"]]
        data["year"] = [str(v) for v in data["year"]]
        data["q"] = data["q"].strip()
        # As the index's filters: lists of the terms to match.
        for flag in ("halal", "qris"):
            data[flag] = [] if data[flag] is None else ["1" if data[flag] else "0"]
        data["price_max"] = [] if data["price_max"] is None else [str(data["price_max"])]
        return data


class FeatureListArgs(PageArgs):
    rubric = fields.List(fields.String(validate=validate.OneOf(sorted(_slugs("rubrics")))),
                         load_default=list)
    year = fields.List(fields.Integer(validate=validate.Range(min=2000, max=2100)),
                       load_default=list)


class SuggestArgs(Schema):
    """Query string of GET /suggest."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(required=True, validate=validate.Length(min=1, max=100),
                      metadata={"description": "What the citizen has typed so far (max 100)"})
