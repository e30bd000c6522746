"""The small interface between the services and the search engine.

Only requests, ids, totals and facet counts cross it: rows come from the database.
"""

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from .additions import Additions

# Filter and facet names, shared by the index and the API.
FACETS = ("category", "district", "rubric", "year", "price", "halal", "qris", "sentra",
          "subsector")
FILTERS = ("category", "district", "kelurahan", "rubric", "year", "price", "halal", "qris",
           "price_max", "sentra", "subsector")
# Filters on a number: filter name -> the numeric field its one value is an upper bound of.
RANGE_FILTERS = {"price_max": "price_min"}
SORTS = ("relevance", "newest", "name", "distance")


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    # filter name -> accepted values; values of one filter OR, filters AND.
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Where and when (search/where_when.py): statuses listed (empty: all), open at `now`,
    # (lat, lon) to sort by distance from, metres around it.
    statuses: tuple[str, ...] = ()
    open_now: bool = False
    now: datetime | None = None
    near: tuple[float, float] | None = None
    radius: int | None = None
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
    distances: dict[int, float | None] = field(default_factory=dict)  # with `near` only
    # The time limit stopped ranking: the page holds matches, not surely the best ones
    # (total and facets stay exact). Never kept in a cache.
    partial: bool = False


class IndexBusy(Exception):
    """The index is locked by another writer longer than the configured timeout."""


class IndexUnavailable(IndexBusy):
    """The live index is missing or cannot be read (deleted, damaged): rebuild it.

    Everything the database answers alone (business pages, lists) keeps working.
    """


class IndexDiskFull(Exception):
    """A build ran out of disk space; the new release was abandoned, the live one kept."""


class BuildLockLike(Protocol):
    def acquire(self, wait: float = 0.0) -> bool: ...
    def release(self) -> None: ...


class ApplierLike(Protocol):
    """The live index, held by the one process applying the change log to it."""

    position: int  # the last change-log entry the live index holds

    def write(self, position: int, documents: Iterable[dict], deleted: Iterable[int]
              ) -> None: ...


class SearchIndex(Protocol):
    """What the services, the CLI and the staff endpoints ask of a search engine."""

    # reads
    def search(self, request: SearchRequest) -> SearchPage: ...
    def ids(self, request: SearchRequest) -> list[int]: ...  # exports: no facets, no ranks
    def suggest(self, text: str, limit: int = 10) -> list[dict]: ...
    def stored_fields(self) -> dict[int, tuple[str, str]]: ...  # check-index: id -> slug, name

    # follow the database's change log, after its commits (see follow.py)
    def position(self) -> int: ...
    def applying(self, wait: float = 0.0) -> AbstractContextManager[ApplierLike | None]: ...

    # rebuild beside the live index holding change `at`, swap; the caller applies the rest
    def rebuild(self, documents: Iterable[dict], progress: Callable[[int], None] | None = None,
                *, at: int = 0, lock: BuildLockLike | None = None, procs: int = 1) -> int: ...
    def build_lock(self) -> BuildLockLike: ...
    def build_running(self) -> bool: ...
    def exists(self) -> bool: ...
    def is_current(self) -> bool: ...
    def sweep(self) -> list[str]: ...
