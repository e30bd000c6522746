"""Search: the Flask glue around the engine-neutral interface in `base`.

Views and services call `get_index()`; nothing outside this package imports Whoosh.
"""

from flask import current_app

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
from .whoosh_index import WhooshIndex

__all__ = ["FACETS", "FILTERS", "SORTS", "BuildRunning", "IndexBusy", "IndexDiskFull",
           "IndexUnavailable", "SearchIndex", "SearchPage", "SearchRequest",
           "get_index", "init_app"]


def init_app(app) -> None:
    app.extensions["search"] = WhooshIndex(
        app.config["SEARCH_INDEX_DIR"], write_timeout=float(app.config["SEARCH_WRITE_TIMEOUT"]),
        analyzer=app.config.get("SEARCH_ANALYZER", "indonesian"),
        time_limit=float(app.config.get("SEARCH_TIME_LIMIT", 0.8)),
    )


def get_index() -> SearchIndex:
    return current_app.extensions["search"]
