"""The small interface between the services and the search engine.

Only requests, ids, totals and facet counts cross it: rows come from the database.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from .additions import Additions

# Filter and facet names, shared by the index and the API.
FACETS = ("category", "district", "rubric", "year", "price", "halal", "qris")
FILTERS = ("category", "district", "kelurahan", "rubric", "year", "price", "halal", "qris",
           "price_max")
# Filters on a number: filter name -> the numeric field its one value is an upper bound of.
RANGE_FILTERS = {"price_max": "price_min"}
SORTS = ("relevance", "newest", "name")


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    # filter name -> accepted values; values of one filter OR, filters AND.
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Staff's vocabulary additions, expanded at query time (search/additions.py).
    additions: Additions = field(default_factory=Additions)


@dataclass(frozen=True)
class SearchPage:
    ids: list[int]
    total: int
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None  # "did you mean"
    typos: bool = False  # some word matched only one typo away
    # business id -> {"name": [[s, e]], "products": [[[s, e]], ...], "description": ...}
    highlights: dict[int, dict] = field(default_factory=dict)


class IndexBusy(Exception):
    """The index is locked by another writer longer than the configured timeout."""


class IndexUnavailable(IndexBusy):
    """The live index is missing or cannot be read (deleted, damaged): rebuild it.

    Everything the database answers alone (business pages, lists) keeps working.
    """


class IndexDiskFull(Exception):
    """A build ran out of disk space; the new release was abandoned, the live one kept."""
