"""What goes out about a business: a search result, a card and the full record.

Computed fields (open now, directions, photo URLs) are made when the answer is dumped.
"""

from marshmallow import Schema, fields

from .. import where_when
from ..importers.commerce import PLATFORM_LABELS, format_price_range
from ..models import STATUSES
from ..sentra import sentra_name, subsector_name
from ..timestamps import Timestamp


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
