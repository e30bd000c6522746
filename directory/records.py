"""A business and an appearance as staff write them: loaded (validated, normalised), dumped.

One validation for every way staff write (the staff API and page, published Instagram drafts)
and the snapshots the audit log keeps; the HTTP layer (`admin/schemas.py`) adds the patch,
list and report schemas around them. Unknown fields are rejected (marshmallow's RAISE).
Values are normalised by the importer's own rules (`normalise`, `reference`), so a record
typed in the page and one imported agree.
"""

from datetime import date

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from . import geo, hours, normalise
from .importers import commerce
from .models import STATUSES
from .reference import (
    MAX_LENGTH,
    KelurahanElsewhere,
    UnknownKelurahan,
    locate,
    reference_data,
)
from .sentra import all_sentra, sentra_slug, subsector_slug, subsectors
from .timestamps import Timestamp

SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                       error="Lowercase ASCII words joined by hyphens.")


def _slugs(kind: str) -> list[str]:
    return [item["slug"] for item in reference_data()[kind]]


class Normalised(fields.String):
    """A text field cleaned by one of the importer's rules; empty means none."""

    def __init__(self, rule, **kwargs):
        super().__init__(allow_none=True, **kwargs)
        self.rule = rule

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            return None
        try:
            return self.rule(text)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class _LengthUnlessNone(validate.Length):
    """Length for a field whose blank input loads as None (still documented as maxLength)."""

    def __call__(self, value):
        return value if value is None else super().__call__(value)


class OptionalText(fields.String):
    """Text with its spaces tidied; empty means none."""

    def __init__(self, max_length: int, keep_lines: bool = False, **kwargs):
        super().__init__(allow_none=True, validate=_LengthUnlessNone(max=max_length), **kwargs)
        self.keep_lines = keep_lines

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        text = text.strip() if self.keep_lines else " ".join(text.split())
        return text or None


class OrderLinks(fields.List):
    """Order links in: https URLs of known platforms (or one `a; b` text). Out: the URLs."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(), allow_none=True,
                         validate=_LengthUnlessNone(max=commerce.MAX_ORDER_LINKS), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        urls = value.split(";") if isinstance(value, str) else value
        urls = super()._deserialize(urls, attr, data, **kwargs)
        try:
            return commerce.order_links(urls) or None
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else [link["url"] for link in value]


class StaffSchema(Schema):
    class Meta:
        unknown = RAISE


class StaffFeatureSchema(StaffSchema):
    """One appearance of a business in a rubric."""

    id = fields.Integer(dump_only=True)
    business = fields.Function(lambda f: f.business.slug, dump_only=True)
    rubric = fields.String(attribute="rubric_slug", required=True,
                           validate=validate.OneOf(_slugs("rubrics")))
    featured_on = fields.Date(required=True)
    post_url = Normalised(normalise.post_url)
    reach = fields.Integer(allow_none=True,
                           validate=validate.Range(min=0, max=normalise.MAX_INTEGER))
    created_at = Timestamp(dump_only=True)

    @validates("featured_on")
    def _featured_on(self, value: date, **_):
        if not normalise.plausible_featured_on(value):
            raise ValidationError("Date out of range.")


class StaffBusinessSchema(StaffSchema):
    """A business as staff edit it; dumps deleted ones too, with `deleted_at`."""

    id = fields.Integer(dump_only=True)
    slug = fields.String(validate=[validate.Length(max=MAX_LENGTH["slug"]), SLUG],
                         metadata={"description": "Stable id; derived from name when absent"})
    name = fields.String(required=True,
                         validate=validate.Length(min=1, max=MAX_LENGTH["name"]))
    owner = OptionalText(MAX_LENGTH["owner"])
    category = fields.String(attribute="category_slug", required=True,
                             validate=validate.OneOf(_slugs("categories")))
    district = fields.Function(lambda b: b.kecamatan.slug, deserialize=str,
                               metadata={"type": "string",
                                        "description": "Kecamatan; derived from kelurahan"})
    kelurahan = fields.Function(lambda b: b.kelurahan_slug, deserialize=str, required=True,
                                metadata={"type": "string",
                                          "description": "Kelurahan, any usual spelling"})
    address = OptionalText(MAX_LENGTH["address"])
    products = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                           validate=validate.Length(max=50))
    description = OptionalText(MAX_LENGTH["description"], keep_lines=True)
    instagram = Normalised(normalise.instagram_handle)
    whatsapp = Normalised(normalise.whatsapp_number)
    website = Normalised(normalise.website_url)
    # The upper bound is this year when the value is checked (see _established).
    established = fields.Integer(allow_none=True, validate=validate.Range(min=1800))
    sentra = Normalised(sentra_slug, attribute="sentra_slug", metadata={
        "description": "The sentra it belongs to: slug or name, any case; empty for none",
        "enum": [s["slug"] for s in all_sentra()] + [None]})
    subsector = Normalised(subsector_slug, attribute="subsector_slug", metadata={
        "description": "Ekraf subsector: slug or name, any case; empty for none",
        "enum": [s["slug"] for s in subsectors()] + [None]})
    fictional = fields.Boolean()
    # Where and when. A map link with coordinates sets latitude/longitude when they are not
    # given; a short link is kept as a link only.
    latitude = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))
    maps_url = Normalised(geo.map_url, metadata={"description": "A map link (Google Maps, "
                                                 "OpenStreetMap); coordinates are read from it"})
    opening_hours = Normalised(hours.to_osm, metadata={
        "description": "OSM syntax or as staff write it ('Senin-Sabtu 08.00-17.00; Minggu "
                       "tutup'); stored in OSM syntax, times WIB"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    verified_on = fields.Date(allow_none=True)
    price_range = Normalised(commerce.price_range, metadata={
        "description": "Rupiah, one price or a range: 'Rp10.000 - Rp35.000', '15rb-40rb'; "
                       "answered as 'Rp10.000–Rp35.000'"})
    price_min = fields.Integer(dump_only=True, allow_none=True)  # null: no price given
    price_max = fields.Integer(dump_only=True, allow_none=True)
    order_links = OrderLinks(metadata={
        "description": "https links on GoFood, GrabFood, ShopeeFood, Shopee, Tokopedia, "
                       "TikTok Shop, Lazada or Blibli"})
    qris = fields.Boolean(allow_none=True, metadata={"description": "Takes QRIS; null: unknown"})
    nib = Normalised(commerce.nib, metadata={"description": "13 digits"})
    halal = Normalised(commerce.halal_certificate,
                       metadata={"description": "BPJPH certificate number, ID + digits"})
    pirt = Normalised(commerce.pirt, metadata={"description": "P-IRT number, 12 to 16 digits"})
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)
    deleted_at = Timestamp(dump_only=True, allow_none=True)  # null while live
    features = fields.List(fields.Nested(StaffFeatureSchema), dump_only=True)
    photos = fields.List(fields.Nested("StaffPhotoSchema"), dump_only=True)

    @validates("verified_on")
    def _verified_on(self, value, **_):
        if value is not None and not date(2000, 1, 1) <= value <= date.today():
            raise ValidationError("Must be a date from 2000 to today.")

    @validates_schema
    def _location(self, data, **_):
        if ("latitude" in data) != ("longitude" in data) or (
                (data.get("latitude") is None) != (data.get("longitude") is None)):
            raise ValidationError("Give latitude and longitude together.", "latitude")
        if data.get("latitude") is not None:
            try:
                geo.checked(data["latitude"], data["longitude"])
            except ValueError as error:
                raise ValidationError(str(error), "latitude") from error
        elif "latitude" not in data and data.get("maps_url"):
            point = geo.point_from_map_url(data["maps_url"])
            if point is not None and not geo.in_box(*point):
                raise ValidationError("The map link points outside Kota Malang.", "maps_url")

    @validates("established")
    def _established(self, value, **_):
        if value is not None and not normalise.plausible_year(value):
            raise ValidationError(f"Must be a year from 1800 to {normalise.date.today().year}.")

    @validates_schema
    def _place(self, data, **_):
        if "kelurahan" in data:
            try:
                locate(data["kelurahan"], data.get("district"))
            except UnknownKelurahan:
                raise ValidationError("Not a kelurahan of Kota Malang.", "kelurahan") from None
            except KelurahanElsewhere:
                raise ValidationError("The kelurahan is not in this kecamatan.",
                                      "district") from None
        elif "district" in data:
            raise ValidationError("Give the kelurahan too when the kecamatan changes.",
                                  "kelurahan")

    @post_load
    def _to_columns(self, data, **_):
        data.pop("district", None)
        if "kelurahan" in data:
            data["kelurahan_slug"] = locate(data.pop("kelurahan")).kelurahan
        if "products" in data:
            data["products"] = normalise.products_list(data["products"])
        if "name" in data:
            data["name"] = " ".join(data["name"].split())
        if "latitude" not in data and data.get("maps_url"):
            point = geo.point_from_map_url(data["maps_url"])
            if point is not None:
                data["latitude"], data["longitude"] = point
        if "price_range" in data:
            data["price_min"], data["price_max"] = data.pop("price_range") or (None, None)
        return data
