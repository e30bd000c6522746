"""marshmallow schemas: what comes in (load = validate) and what goes out (dump)."""

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

from . import geo, where_when
from .importers.commerce import PLATFORM_LABELS, PRICE_BANDS, format_price_range
from .importers.fields import MAX_INTEGER
from .models import STATUSES
from .reference import kecamatan_lookup, kelurahan_lookup, place_key, reference_data
from .search import SORTS
from .sentra import all_sentra, sentra_name, subsector_name, subsectors
from .timestamps import Timestamp


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


class BusinessSearchArgs(PageArgs):
    """Query string of GET /businesses."""

    q = fields.String(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "Words to search for (plain text, max 200)"})
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


class FeatureSchema(Schema):
    rubric = fields.String(attribute="rubric_slug")
    rubric_label = fields.Function(lambda f: f.rubric.label)
    featured_on = fields.Date()
    post_url = fields.String(allow_none=True)
    reach = fields.Integer(allow_none=True)


class LatestFeatureSchema(FeatureSchema):
    class Meta:
        exclude = ("reach",)


class ContactSchema(Schema):
    whatsapp = fields.String(allow_none=True)
    whatsapp_url = fields.Function(
        lambda b: f"https://wa.me/{b.whatsapp.lstrip('+')}" if b.whatsapp else None)
    instagram = fields.String(allow_none=True)
    instagram_url = fields.Function(
        lambda b: f"https://www.instagram.com/{b.instagram}/" if b.instagram else None)
    website = fields.String(allow_none=True)


class OrderLinkSchema(Schema):
    platform = fields.String(metadata={"description": "gofood, grabfood, shopeefood, shopee, "
                                                      "tokopedia, tiktok-shop, lazada, blibli"})
    label = fields.Function(lambda link: PLATFORM_LABELS.get(link["platform"], link["platform"]),
                            metadata={"description": "The platform's name, for a button"})
    url = fields.String()


class PhotoSchema(Schema):
    """One photo: stored renditions as WebP with a JPEG fallback, widths in pixels."""

    id = fields.Integer()
    alt = fields.Function(lambda p: p.alt or p.caption or "",
                          metadata={"description": "Alt text; the caption when staff left it "
                                                   "blank"})
    caption = fields.String(allow_none=True)
    credit = fields.String(allow_none=True)
    width = fields.Integer(metadata={"description": "Of the largest rendition"})
    height = fields.Integer()
    src = fields.Function(lambda p: photo_url(p, p.widths[min(1, len(p.widths) - 1)], "jpg"),
                          metadata={"description": "A middle-sized JPEG, for any browser"})
    large = fields.Function(lambda p: photo_url(p, p.widths[-1], "jpg"),
                            metadata={"description": "The largest JPEG (link previews)"})
    srcset = fields.Function(lambda p: srcset(p, "webp"), metadata={
        "description": "WebP renditions as an HTML srcset"})
    srcset_jpeg = fields.Function(lambda p: srcset(p, "jpg"), metadata={
        "description": "JPEG renditions as an HTML srcset"})


# One instance each for every item: a schema made per item cost ~1 ms (field deep copies).
_CONTACT, _ORDER_LINKS, _PHOTO = ContactSchema(), OrderLinkSchema(many=True), PhotoSchema()


def photo_url(photo, width: int, extension: str) -> str:
    """Return the path of one rendition: /photos/<digest>-<width>.<webp|jpg>."""
    return f"/photos/{photo.digest}-{width}.{extension}"


def srcset(photo, extension: str) -> str:
    return ", ".join(f"{photo_url(photo, w, extension)} {w}w" for w in photo.widths)


class HighlightSchema(Schema):
    name = fields.List(fields.List(fields.Integer()))
    products = fields.List(fields.List(fields.List(fields.Integer())))
    description = fields.Dict(allow_none=True)


class LocationSchema(Schema):
    lat = fields.Float(metadata={"description": "Latitude, WGS84, as the business gave it"})
    lon = fields.Float(metadata={"description": "Longitude, WGS84"})


class OpeningPeriodSchema(Schema):
    from_ = fields.String(data_key="from", attribute="from", metadata={"example": "08:00"})
    to = fields.String(metadata={"description": "24:00 = midnight; earlier than `from` = "
                                                "past midnight", "example": "17:00"})


class OpeningDaySchema(Schema):
    day = fields.String(metadata={"description": "Mo, Tu, We, Th, Fr, Sa or Su"})
    label = fields.String(metadata={"description": "The day in Bahasa Indonesia"})
    open = fields.List(fields.Nested(OpeningPeriodSchema),
                       metadata={"description": "Periods that start on this day; empty: closed"})


class OpeningHoursSchema(Schema):
    osm = fields.String(metadata={"description": "OpenStreetMap opening_hours; times in WIB",
                                  "example": "Mo-Sa 08:00-17:00; Su off"})
    week = fields.List(fields.Nested(OpeningDaySchema),
                       metadata={"description": "This week (WIB), Monday to Sunday"})


class WhereWhenMixin(Schema):
    """Where a business is and whether it is open: computed when the answer is made (WIB)."""

    location = fields.Function(where_when.location, allow_none=True,
                               metadata={"description": "{lat, lon} or null"})
    opening_hours = fields.Function(where_when.opening_hours, allow_none=True,
                                    metadata={"description": "{osm, week} or null"})
    open_now = fields.Function(where_when.open_now, allow_none=True, metadata={
        "description": "Open at the time of the answer (WIB); null when the hours are unknown"})
    next_change = fields.Function(where_when.next_change, allow_none=True, metadata={
        "description": "When that changes, in Bahasa Indonesia: 'tutup pukul 17.00'"})
    status = fields.String(metadata={"enum": list(STATUSES)})
    directions_url = fields.Function(where_when.directions, metadata={
        "description": "Directions in a map app, to the coordinates or else the address"})


class BusinessSummarySchema(WhereWhenMixin):
    """One search result: enough for a card."""

    slug = fields.String()
    name = fields.String()
    category = fields.String(attribute="category_slug")
    category_label = fields.Function(lambda b: b.category.label)
    district = fields.Function(lambda b: b.kecamatan.name)
    district_slug = fields.Function(lambda b: b.kecamatan.slug)
    kelurahan = fields.Function(lambda b: b.kelurahan.name)
    kelurahan_slug = fields.String()
    products = fields.List(fields.String())
    sentra = fields.String(attribute="sentra_slug", allow_none=True,
                           metadata={"description": "Slug of its sentra (production centre)"})
    sentra_name = fields.Function(lambda b: sentra_name(b.sentra_slug), allow_none=True)
    subsector = fields.String(attribute="subsector_slug", allow_none=True,
                              metadata={"description": "Ekraf subsector slug"})
    subsector_name = fields.Function(lambda b: subsector_name(b.subsector_slug), allow_none=True)
    latest_feature = fields.Nested(LatestFeatureSchema, allow_none=True)
    contact = fields.Function(lambda b: _CONTACT.dump(b))
    price_min = fields.Integer(allow_none=True, metadata={"description": "Rupiah"})
    price_max = fields.Integer(allow_none=True, metadata={"description": "Rupiah"})
    price_range = fields.Function(lambda b: format_price_range(b.price_min, b.price_max),
                                  metadata={"description": "As Indonesians write it: "
                                                           "Rp10.000–Rp35.000"})
    order_links = fields.Function(lambda b: _ORDER_LINKS.dump(b.order_links or []),
                                  metadata={"description": "Where to order or buy online"})
    qris = fields.Boolean(allow_none=True, metadata={"description": "Takes QRIS; null: unknown"})
    halal_certified = fields.Function(lambda b: bool(b.halal), metadata={
        "description": "Holds a BPJPH halal certificate"})
    photo = fields.Function(lambda b: _PHOTO.dump(b.photos[0]) if b.photos else None,
                            metadata={"description": "The first photo, for a card"})
    fictional = fields.Boolean(metadata={"description": "True for made-up sample data"})
    url = fields.Function(lambda b: f"/api/v1/businesses/{b.slug}")


class BusinessSearchItemSchema(BusinessSummarySchema):
    """A search result with the matched words of the query marked."""

    highlights = fields.Nested(HighlightSchema, allow_none=True)
    distance_m = fields.Integer(allow_none=True, metadata={
        "description": "Metres from `near` (only with near); null without coordinates"})


class BusinessDetailSchema(BusinessSummarySchema):
    """The full record with every appearance, newest first."""

    owner = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    established = fields.Integer(allow_none=True)
    website = fields.String(allow_none=True)
    maps_url = fields.String(allow_none=True)
    verified_on = fields.Date(allow_none=True)
    nib = fields.String(allow_none=True, metadata={"description": "Nomor Induk Berusaha (OSS)"})
    halal = fields.String(allow_none=True, metadata={"description": "BPJPH certificate number"})
    pirt = fields.String(allow_none=True, metadata={"description": "P-IRT number"})
    photos = fields.List(fields.Nested(PhotoSchema))
    created_at = Timestamp()
    updated_at = Timestamp()
    features = fields.List(fields.Nested(FeatureSchema))


class LinksSchema(Schema):
    self = fields.String()
    next = fields.String(allow_none=True)
    prev = fields.String(allow_none=True)


class PageSchema(Schema):
    """What every paginated answer has beside its `items`."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    links = fields.Nested(LinksSchema)


class BusinessPageSchema(PageSchema):
    items = fields.List(fields.Nested(BusinessSearchItemSchema))
    facets = fields.Dict(keys=fields.String(),
                         values=fields.Dict(keys=fields.String(), values=fields.Integer()))
    suggestion = fields.String(allow_none=True)
    partial = fields.Boolean(metadata={"description": (
        "true when the search's time limit (SEARCH_TIME_LIMIT) stopped the ranking: the page "
        "is full and `total` and `facets` are exact, but its items are the first matches "
        "found, not surely the best ranked. Sent with `Cache-Control: no-store`; asking "
        "again may give the ranked page. Otherwise false.")})


class SuggestArgs(Schema):
    """Query string of GET /suggest."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(required=True, validate=validate.Length(min=1, max=100),
                      metadata={"description": "What the citizen has typed so far (max 100)"})


class SuggestionSchema(Schema):
    text = fields.String(metadata={"description": "The completion, as written"})
    kind = fields.String(validate=validate.OneOf(("name", "product", "category", "place")))


class SuggestionListSchema(Schema):
    items = fields.List(fields.Nested(SuggestionSchema))


class FeatureTimelineItemSchema(FeatureSchema):
    business = fields.Nested(BusinessSummarySchema)


class FeaturePageSchema(PageSchema):
    items = fields.List(fields.Nested(FeatureTimelineItemSchema))


class CategorySchema(Schema):
    slug = fields.String()
    label = fields.String()
    label_en = fields.String()
    count = fields.Integer()


class KelurahanSchema(Schema):
    slug = fields.String()
    name = fields.String()
    also_written = fields.List(fields.String())
    count = fields.Integer()


class DistrictSchema(Schema):
    slug = fields.String()
    name = fields.String()
    code = fields.String()
    count = fields.Integer()
    kelurahan = fields.List(fields.Nested(KelurahanSchema))


class RubricSchema(Schema):
    slug = fields.String()
    label = fields.String()
    about = fields.String()
    count = fields.Integer()


class SentraSchema(Schema):
    slug = fields.String()
    name = fields.String()
    products = fields.List(fields.String(), metadata={"description": "What it is known for"})
    kelurahan = fields.String(allow_none=True, metadata={"description": "Null when unknown"})
    kecamatan = fields.String()
    kecamatan_code = fields.String(metadata={"description": "Kemendagri code, e.g. 35.73.01"})
    named_by_city_2024 = fields.Boolean(metadata={
        "description": "One of the 7 sentra the city named in August 2024 (else a thematic "
                       "kampung)"})
    about = fields.String(metadata={"description": "A short text in Bahasa Indonesia"})
    count = fields.Integer(metadata={"description": "Live businesses belonging to it"})
    url = fields.String(metadata={"description": "Its page"})


class SubsectorSchema(Schema):
    slug = fields.String()
    name = fields.String(metadata={"description": "As written in secondary sources"})
    count = fields.Integer()


def list_of(item_schema) -> type[Schema]:
    """Return a schema `{"items": [item]}` for the reference lists."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema))},
                            name=f"{item_schema.__name__.removesuffix('Schema')}List")
