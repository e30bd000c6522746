"""marshmallow schemas of the public API: what comes in (load = validate) and what goes out (dump).

queries.py holds the query strings; businesses.py a business as it is answered; lists.py
the answers that are lists. Every schema is importable from here, where callers look.
"""

from .businesses import (
    BusinessDetailSchema,
    BusinessSearchItemSchema,
    BusinessSummarySchema,
    ContactSchema,
    FeatureSchema,
    HighlightSchema,
    LatestFeatureSchema,
    LocationSchema,
    OpeningDaySchema,
    OpeningHoursSchema,
    OpeningPeriodSchema,
    OrderLinkSchema,
    PhotoSchema,
    WhereWhenMixin,
    photo_url,
    srcset,
)
from .lists import (
    BusinessPageSchema,
    CategorySchema,
    DistrictSchema,
    FeaturePageSchema,
    FeatureTimelineItemSchema,
    KelurahanSchema,
    LinksSchema,
    PageSchema,
    RubricSchema,
    SentraSchema,
    SubsectorSchema,
    SuggestionListSchema,
    SuggestionSchema,
    list_of,
)
from .queries import (
    MAX_QUERY_LENGTH,
    NEAR,
    BusinessSearchArgs,
    FeatureListArgs,
    MaxQueryLength,
    PageArgs,
    SuggestArgs,
)

__all__ = [
    "MAX_QUERY_LENGTH", "NEAR", "BusinessDetailSchema", "BusinessPageSchema",
    "BusinessSearchArgs", "BusinessSearchItemSchema", "BusinessSummarySchema", "CategorySchema",
    "ContactSchema", "DistrictSchema", "FeatureListArgs", "FeaturePageSchema", "FeatureSchema",
    "FeatureTimelineItemSchema", "HighlightSchema", "KelurahanSchema", "LatestFeatureSchema",
    "LinksSchema", "LocationSchema", "MaxQueryLength", "OpeningDaySchema", "OpeningHoursSchema",
    "OpeningPeriodSchema", "OrderLinkSchema", "PageArgs", "PageSchema", "PhotoSchema",
    "RubricSchema", "SentraSchema", "SubsectorSchema", "SuggestArgs", "SuggestionListSchema",
    "SuggestionSchema", "WhereWhenMixin", "list_of", "photo_url", "srcset",
]
