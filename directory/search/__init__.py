"""Search: the Flask glue around the engine-neutral interface in `base`.

Views and services call `get_index()`; nothing outside this package imports Whoosh.
"""

from flask import current_app

from .analysis import DEFAULT_ANALYZER
from .base import (
    FACETS,
    FILTERS,
    SORTS,
    IndexBusy,
    IndexDiskFull,
    IndexUnavailable,
    SearchIndex,
    SearchPage,
    SearchRequest,
)
from .releases import BuildRunning
from .whoosh_index import SEARCH_TIME_LIMIT, WhooshIndex

__all__ = ["DEFAULT_ANALYZER", "FACETS", "FILTERS", "SEARCH_TIME_LIMIT", "SORTS",
           "BuildRunning", "IndexBusy", "IndexDiskFull", "IndexUnavailable", "SearchIndex",
           "SearchPage", "SearchRequest",
           "get_index", "init_app"]


def init_app(app) -> None:
    app.extensions["search"] = WhooshIndex(
        app.config["SEARCH_INDEX_DIR"], write_timeout=float(app.config["SEARCH_WRITE_TIMEOUT"]),
        analyzer=app.config["SEARCH_ANALYZER"],
        time_limit=float(app.config["SEARCH_TIME_LIMIT"]),
    )


def get_index() -> SearchIndex:
    return current_app.extensions["search"]
