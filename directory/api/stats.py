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
    featured_businesses = fields.Integer(metadata={
        "description": "Distinct live businesses with at least one appearance"})
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


class SentraCountSchema(Schema):
    slug = fields.String()
    name = fields.String()
    businesses = _businesses()
    appearances = _appearances()


class ReachFigureSchema(Schema):
    sum = fields.Integer(allow_none=True, metadata={
        "description": "Accounts reached, summed over the posts with a figure only; null "
                       "when no post had one"})
    posts_with_reach = fields.Integer(metadata={"description": "Posts that had a figure"})
    posts = fields.Integer(metadata={"description": "All posts counted here"})
    complete = fields.Boolean(metadata={"description": "Every post had a figure: the sum is "
                                                       "a total (else a lower bound)"})


class ReachRubricSchema(ReachFigureSchema):
    slug = fields.String()
    label = fields.String()


class ReachKecamatanSchema(ReachFigureSchema):
    slug = fields.String()
    name = fields.String()
    code = fields.String()


class ReachYearSchema(ReachFigureSchema):
    year = fields.Integer()


class ReachSchema(Schema):
    total = fields.Nested(ReachFigureSchema)
    by_rubric = fields.List(fields.Nested(ReachRubricSchema))
    by_kecamatan = fields.List(fields.Nested(ReachKecamatanSchema))
    by_category = fields.List(fields.Nested(ReachRubricSchema))
    by_year = fields.List(fields.Nested(ReachYearSchema))


class GapSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    days = fields.Integer()


class CadenceSchema(Schema):
    weeks = fields.Integer(metadata={"description": "Calendar weeks from the first post to "
                                                    "the last"})
    weeks_with_post = fields.Integer()
    posts_per_month = fields.Float(metadata={"description": "Average, first month to last"})
    longest_gap_days = fields.Integer(allow_none=True, metadata={
        "description": "Most days between two consecutive posting dates"})
    gaps = fields.List(fields.Nested(GapSchema), metadata={
        "description": "Gaps of more than 14 days between posts, longest first (10 at most)"})


class RegisterFigureSchema(Schema):
    key = fields.String()
    value = fields.Integer()
    label_id = fields.String()
    label_en = fields.String()
    as_of = fields.String(metadata={"description": "YYYY-MM or YYYY"})
    as_of_label = fields.String()
    source = fields.String()
    source_en = fields.String()


class StatsSchema(Schema):
    totals = fields.Nested(TotalsSchema)
    by_kecamatan = fields.List(fields.Nested(KecamatanCountSchema))
    by_kelurahan = fields.List(fields.Nested(KelurahanCountSchema))
    by_category = fields.List(fields.Nested(CategoryCountSchema))
    by_rubric = fields.List(fields.Nested(RubricCountSchema))
    by_sentra = fields.List(fields.Nested(SentraCountSchema))
    by_subsector = fields.List(fields.Nested(SentraCountSchema))
    by_year = fields.List(fields.Nested(YearCountSchema))
    by_month = fields.List(fields.Nested(MonthCountSchema, metadata={
        "description": "Every month from the first appearance to the last, zeros included"}))
    reach = fields.Nested(ReachSchema, metadata={
        "description": "Accounts reached, with how many posts had a figure"})
    cadence = fields.Nested(CadenceSchema)
    city_register = fields.List(fields.Nested(RegisterFigureSchema), metadata={
        "description": "The city's own UMKM figures, for context, with source and date"})


@blp.route("/stats")
@blp.response(200, StatsSchema)
def get_stats():
    """Count businesses and appearances by kecamatan, kelurahan, category, rubric, year, month."""
    return stats.stats()
