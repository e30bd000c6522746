"""GET /stats: counts of businesses and appearances by place, category, rubric and time."""

from marshmallow import Schema, fields

from .. import stats
from .blueprint import Blueprint

blp = Blueprint("stats", __name__, description="Counts for journalists and charts")



def _businesses():
    return fields.Integer(metadata={"description": "Live businesses"})


def _appearances():
    return fields.Integer(metadata={"description": "Appearances in the rubrics"})


class TotalsSchema(Schema):
    businesses = fields.Integer()
    fictional_businesses = fields.Integer(metadata={"description": "Made-up sample records"})
    appearances = fields.Integer()
    first_featured_on = fields.Date(allow_none=True)
    last_featured_on = fields.Date(allow_none=True)
    halal_certified = fields.Integer(metadata={"description": "Holding a BPJPH halal certificate"})
    with_nib = fields.Integer(metadata={"description": "Holding an NIB (registered with OSS)"})
    with_pirt = fields.Integer(metadata={"description": "Holding a P-IRT number"})
    accept_qris = fields.Integer(metadata={"description": "Taking QRIS payment"})
    with_price = fields.Integer(metadata={"description": "With a price or price range"})
    with_order_links = fields.Integer(metadata={"description": "With a link to order online"})
    with_photos = fields.Integer(metadata={"description": "With at least one photo"})


class KecamatanCountSchema(Schema):
    slug = fields.String()
    name = fields.String()
    businesses = _businesses()
    appearances = _appearances()
    appearances_by_year = fields.Dict(keys=fields.String(), values=fields.Integer())
    halal_certified = fields.Integer(metadata={"description": "Businesses halal-certified"})
    with_nib = fields.Integer(metadata={"description": "Businesses holding an NIB"})


class KelurahanCountSchema(Schema):
    slug = fields.String()
    name = fields.String()
    kecamatan = fields.String(metadata={"description": "Slug of its kecamatan"})
    businesses = _businesses()
    appearances = _appearances()


class CategoryCountSchema(Schema):
    slug = fields.String()
    label = fields.String()
    label_en = fields.String()
    businesses = _businesses()
    appearances = _appearances()
    halal_certified = fields.Integer(metadata={"description": "Businesses halal-certified"})
    with_nib = fields.Integer(metadata={"description": "Businesses holding an NIB"})


class RubricCountSchema(Schema):
    slug = fields.String()
    label = fields.String()
    businesses = _businesses()
    appearances = _appearances()


class YearCountSchema(Schema):
    year = fields.Integer()
    businesses = _businesses()
    appearances = _appearances()


class MonthCountSchema(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    appearances = fields.Integer()
    by_rubric = fields.Dict(keys=fields.String(), values=fields.Integer())


class StatsSchema(Schema):
    totals = fields.Nested(TotalsSchema)
    by_kecamatan = fields.List(fields.Nested(KecamatanCountSchema))
    by_kelurahan = fields.List(fields.Nested(KelurahanCountSchema))
    by_category = fields.List(fields.Nested(CategoryCountSchema))
    by_rubric = fields.List(fields.Nested(RubricCountSchema))
    by_year = fields.List(fields.Nested(YearCountSchema))
    by_month = fields.List(fields.Nested(MonthCountSchema, metadata={
        "description": "Every month from the first appearance to the last, zeros included"}))


@blp.route("/stats")
@blp.response(200, StatsSchema)
def get_stats():
    """Count businesses and appearances by kecamatan, kelurahan, category, rubric, year, month."""
    return stats.stats()
