"""What goes out as a list: a page of results with its links, suggestions, reference lists."""

from marshmallow import Schema, fields, validate

from .businesses import BusinessSearchItemSchema, BusinessSummarySchema, FeatureSchema


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
