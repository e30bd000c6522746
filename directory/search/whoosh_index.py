"""Whoosh: schema, query building, facets and atomic rebuilds.

Layout on disk: `<root>/current` is a symlink to `releases/<release id>`. A rebuild writes a
new release beside the live one and swaps the symlink with os.replace, so readers never see
an empty or partial index. Never imports Flask.
"""

import errno
import gc
import logging
import pickle
import struct
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from whoosh import collectors, sorting
from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError
from whoosh.searching import TimeLimit

from . import query
from .analysis import analyzer, plain_analyzer
from .base import (
    FACETS,
    FILTERS,
    RANGE_FILTERS,
    IndexBusy,
    IndexDiskFull,
    IndexUnavailable,
    SearchPage,
    SearchRequest,
)
from .facets import FacetSets
from .highlight import business_highlights
from .releases import GRACE_SECONDS, BuildLock, BuildRunning, Releases
from .suggest import complete

log = logging.getLogger(__name__)

# What opening a deleted or damaged release raises (its table of contents is a pickle).
UNREADABLE = (OSError, EOFError, struct.error, pickle.UnpicklingError, ValueError, KeyError,
              IndexError, AttributeError, whoosh_index.EmptyIndexError, whoosh_index.IndexError)
SEARCH_TIME_LIMIT = 0.8  # seconds; a search running longer returns what it found so far
MIN_TIME_SLICE = 0.02  # seconds each step of a search gets even when the budget is spent


def build_schema(analyzer_name: str = "indonesian") -> Schema:
    """Return the index schema; every field says why it is there."""
    text = analyzer(analyzer_name)
    plain = plain_analyzer()
    lines = RegexTokenizer(r"[^\n]+")  # one term per line, case kept: completions
    return Schema(
        id=ID(stored=True, unique=True),  # Business.id: the only thing a hit returns
        slug=ID(stored=True),  # for check-index reports
        # Stemmed, variants folded: name > products > category > description > owner.
        # Stored for highlights.
        name=TEXT(analyzer=text, stored=True, phrase=False),
        products=TEXT(analyzer=text, stored=True, phrase=False),  # one product per line
        description=TEXT(analyzer=text, stored=True, phrase=False),  # the post's text
        owner=TEXT(analyzer=text, phrase=False),
        category_text=TEXT(analyzer=text, phrase=False),  # the category's labels, id + en
        # The street address: searched only for a street the query names ("jl trunojoyo")
        # or a word found nowhere else, so "ikan" never finds a shop on Jl. Ikan Piranha.
        address=TEXT(analyzer=text, phrase=False),
        # The same words as typed (folded only): exact > stemmed, and the typo lexicon.
        name_exact=TEXT(analyzer=plain, phrase=False),
        products_exact=TEXT(analyzer=plain, phrase=False),
        description_exact=TEXT(analyzer=plain, phrase=False),
        # Place keys: kecamatan, kelurahan in every spelling, sentra ("rampalcelaket",
        # "sanan"); a place named in the query ranks its businesses first.
        place=KEYWORD(scorable=True),
        complete_name=TEXT(analyzer=lines, phrase=False),  # "<key>\t<name>" per word-start
        complete_product=TEXT(analyzer=lines, phrase=False),  # the same for products
        category=ID(sortable=True),  # filter + facet (one value)
        district=ID(sortable=True),  # kecamatan slug: filter + facet
        kelurahan=ID(sortable=True),  # kelurahan slug: filter
        rubric=KEYWORD(scorable=False),  # every rubric the business appeared in
        year=KEYWORD(scorable=False),  # every year it was featured
        latest_on=NUMERIC(sortable=True),  # ordinal of the latest appearance: "newest"
        name_sort=ID(sortable=True),  # casefolded name: "name" sort
        price=ID(),  # band of the cheapest price (commerce.PRICE_BANDS): filter + facet
        price_min=NUMERIC(),  # rupiah: the price_max filter (something this cheap or less)
        halal=ID(),  # "1" with a halal certificate, else "0"
        qris=ID(),  # "1" takes QRIS, "0" does not, absent when unknown
    )


class HeldWriter:
    """The live release's writer, held across a database commit (see `WhooshIndex.writing`)."""

    def __init__(self, release: str, writer):
        self.release, self.writer = release, writer
        self.stale = False  # set on exit: the live release changed while we wrote


class WhooshIndex:
    """A Whoosh index with atomic rebuilds and a reused, refreshed searcher."""

    def __init__(self, root: str, write_timeout: float = 10.0, analyzer: str = "indonesian",
                 time_limit: float = SEARCH_TIME_LIMIT):
        self.root = root
        self.write_timeout = write_timeout
        self.analyzer_name = analyzer
        self.time_limit = time_limit
        self.schema = build_schema(analyzer)
        self.releases = Releases(root)
        self._lock = threading.RLock()
        self._local = threading.local()
        self._searcher = None
        self._searcher_release = None
        self._facets = None  # (searcher, FacetSets) of the current searcher
        self.sweep()  # leftovers of a crashed build go at start

    # -- releases (directory/search/releases.py holds the files' protocol) ---------------

    @property
    def releases_dir(self) -> str:
        return self.releases.dir

    @property
    def current_link(self) -> str:
        return self.releases.current_link

    def release_id(self) -> str | None:
        """Return the live release's id, or None when there is no index yet."""
        return self.releases.live()

    def exists(self) -> bool:
        return self.release_id() is not None

    def ensure(self) -> None:
        """Create an empty live index when there is none; sweep crashed builds."""
        self.sweep()
        if not self.exists():
            self.rebuild([])

    def is_current(self) -> bool:
        """Return whether the live index exists and has this version's fields."""
        if not self.exists():
            return False
        try:
            _, ix = self._open()
        except IndexUnavailable:
            return False  # damaged: rebuilt like an outdated one
        try:
            return _field_types(ix.schema) == _field_types(self.schema)
        finally:
            ix.close()

    def build_lock(self) -> BuildLock:
        """Return the cross-process lock a rebuild holds (acquire it to reserve a build)."""
        return self.releases.lock()

    def build_running(self) -> bool:
        return self.releases.build_running()

    def _open(self):
        """Return (release id, open index) of the live release; IndexUnavailable if none.

        A missing index is not replaced by an empty one here: that would answer "nothing
        found" for every business. The caller rebuilds it from the database (`ensure()` on a
        fresh instance, index_recovery while serving).
        """
        release = self.release_id()
        if release is None:
            raise IndexUnavailable(f"there is no live search index in {self.root}")
        try:
            return release, whoosh_index.open_dir(self.releases.path(release))
        except UNREADABLE as error:
            raise _unreadable(release, error) from None

    def rebuild(
        self, documents: Iterable[dict], progress: Callable[[int], None] | None = None,
        replay: Callable[[set[int]], None] | None = None, lock: BuildLock | None = None,
    ) -> int:
        """Write every document into a new release, switch to it atomically, then replay.

        Writes that land meanwhile are journaled by `note_changed`; after the switch their
        ids go to `replay` (which re-reads them from the database). Raises BuildRunning when
        another build holds the lock; pass `lock` when the caller already holds it.
        """
        own_lock = lock is None
        lock = lock or self.releases.lock()
        if own_lock and not lock.acquire():
            raise BuildRunning("another reindex is running")
        try:
            release = None
            try:
                release = self.releases.start()
                self.releases.sweep(own=release)
                count = self._build(release, documents, progress)
            except BaseException as error:
                if release is not None:
                    self.releases.abandon(release)  # frees what it took
                if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
                    _close_files_of(error)
                    raise IndexDiskFull(
                        f"no space left on the disk of the search index ({self.root}): the "
                        "new index was abandoned and the live one is unchanged; free some "
                        "space and reindex again") from None
                raise
            self.releases.switch_to(release)
            changed = self.releases.take_changed(release)
            if changed and replay:
                replay(changed)
            self.releases.sweep()
        finally:
            if own_lock:
                lock.release()
        return count

    def _build(self, release: str, documents: Iterable[dict], progress) -> int:
        ix = whoosh_index.create_in(self.releases.path(release), self.schema)
        count = 0
        with ix.writer(limitmb=128) as writer:
            for document in documents:
                writer.add_document(**document)
                count += 1
                if progress:
                    progress(1)
        ix.close()
        return count

    def sweep(self, grace: float = GRACE_SECONDS) -> list[str]:
        """Remove crashed builds and releases replaced more than `grace` seconds ago."""
        return self.releases.sweep(grace)

    # -- writes -----------------------------------------------------------------------

    def _writer(self, ix):
        # Wait for Whoosh's own lock; never delete its lock file (two writers would get in).
        try:
            return ix.writer(timeout=self.write_timeout)
        except LockError as error:
            raise IndexBusy("the search index is busy; try again shortly") from error

    def take_unreplayed(self) -> set[int]:
        """Return the ids journaled into the live release that its build never replayed.

        A build killed between its switch and its replay leaves them; none while a build runs.
        """
        lock = self.build_lock()
        if not lock.acquire():
            return set()
        try:
            live = self.release_id()
            return self.releases.take_changed(live) if live else set()
        finally:
            lock.release()

    def note_changed(self, ids: Iterable[int]) -> None:
        """Journal ids written now, for the build in progress to replay after its switch."""
        self.releases.note_changed(ids)

    @contextmanager
    def writing(self):
        """Hold the live release's writer: IndexBusy before anything else is done when busy.

        Lets a caller take the lock, commit its database transaction, then write the
        documents, so a busy index refuses a change instead of missing a committed one.
        Inside, `upsert` and `delete` in this thread use the held writer; on exit the writer
        commits (or cancels on error) and `stale` says whether a rebuild swapped meanwhile.
        """
        if getattr(self._local, "held", None) is not None:
            raise RuntimeError("writing() does not nest")
        release, ix = self._open()
        held = HeldWriter(release, self._writer(ix))
        self._local.held = held
        try:
            yield held
        except BaseException:
            held.writer.cancel()
            raise
        else:
            held.writer.commit()
        finally:
            self._local.held = None
            ix.close()
        held.stale = self.release_id() != release

    def is_writing(self) -> bool:
        """Return whether this thread holds the writer (inside `writing()`)."""
        return getattr(self._local, "held", None) is not None

    def upsert(self, documents: Iterable[dict]) -> int:
        """Add or replace documents by id in the live index."""
        held = getattr(self._local, "held", None)
        if held is not None:
            return _each(held.writer.update_document, documents)
        _, ix = self._open()
        with self._writer(ix) as writer:
            count = _each(writer.update_document, documents)
        ix.close()
        return count

    def delete(self, ids: Iterable[int]) -> None:
        """Remove the documents of these business ids from the live index."""
        terms_ = [{"fieldname": "id", "text": str(i)} for i in ids]
        held = getattr(self._local, "held", None)
        if held is not None:
            _each(held.writer.delete_by_term, terms_)
            return
        _, ix = self._open()
        with self._writer(ix) as writer:
            _each(writer.delete_by_term, terms_)
        ix.close()

    # -- reads ------------------------------------------------------------------------

    def _current_searcher(self):
        """Return a searcher on the live release, reopened only when the index changed.

        Keyed by our release id (two builds can share a Whoosh generation number); within a
        release, `up_to_date()` on every call makes another process's write visible at
        once. A stale searcher is replaced, not `refresh()`ed: refreshing from an empty
        release fails in Whoosh 2.7.5.
        """
        release = self.release_id()
        if self._searcher is not None and release == self._searcher_release:
            try:
                fresh = self._searcher.up_to_date()
            except UNREADABLE:  # its files were deleted under it: reopen (and say so)
                fresh = False
            if fresh:
                return self._searcher
        if self._searcher is not None:
            try:
                self._searcher.close()
            except UNREADABLE:
                pass
            self._searcher = None
        try:
            release, ix = self._open()
        except IndexUnavailable:
            # The release we read the link of was swept meanwhile: the link moved on.
            release, ix = self._open()
        try:
            self._searcher, self._searcher_release = ix.searcher(), release
        except UNREADABLE as error:
            raise _unreadable(release, error) from None
        return self._searcher

    def document_ids(self) -> set[int]:
        """Return every business id in the live index."""
        with self._lock:
            searcher = self._current_searcher()
            return {int(fields["id"]) for fields in searcher.all_stored_fields()}

    def stored_fields(self) -> dict[int, tuple[str, str]]:
        """Return business id -> (slug, name) of every document, for check-index."""
        with self._lock:
            searcher = self._current_searcher()
            return {int(f["id"]): (f["slug"], f["name"]) for f in searcher.all_stored_fields()}

    def _facet_sets(self, searcher) -> FacetSets:
        if self._facets is None or self._facets[0] is not searcher:
            terms = [name for name in FILTERS if name not in RANGE_FILTERS]
            self._facets = (searcher, FacetSets(searcher, terms))
        return self._facets[1]

    def _allowed(self, searcher, sets: FacetSets, filters) -> frozenset[int] | None:
        """Return the documents passing every filter, term and range alike; None = all."""
        allowed = sets.allowed({k: v for k, v in filters.items() if k not in RANGE_FILTERS})
        for name, field in RANGE_FILTERS.items():
            if filters.get(name):
                bounded = Q.NumericRange(field, None, int(filters[name][0]))
                documents = frozenset(searcher.docs_for_query(bounded)) & sets.live
                allowed = documents if allowed is None else allowed & documents
        return allowed

    def search(self, request: SearchRequest) -> SearchPage:
        """Run `request`: the page's ids in order, the total, disjunctive facets, highlights."""
        has_text = bool(request.text.strip())
        with self._lock:
            # One time budget for the whole request: planning and the page.
            self._deadline = time.monotonic() + self.time_limit
            searcher = self._current_searcher()
            sets = self._facet_sets(searcher)
            allowed = self._allowed(searcher, sets, request.filters)
            plan = self._plan(searcher, request.text, allowed, request.additions)
            if has_text:
                text_query = plan.query
                matched = frozenset(searcher.docs_for_query(text_query)) & sets.live
            else:
                # Browsing: the filters are the query; nothing to score.
                text_query = _filter_query(request.filters) or Q.Every()
                matched = sets.live
            hits, total = [], 0
            if allowed is None or allowed:  # Whoosh reads an empty allow-set as "allow all"
                results = self._collect(
                    searcher, text_query, limit=request.page * request.per_page,
                    filter=set(allowed) if allowed is not None and has_text else None,
                    sortedby=_sort_facet(request.sort, has_text),
                )
                # Counted from the matched set: Whoosh's count ignores the filter here.
                total = len(matched if allowed is None else matched & allowed)
                start = (request.page - 1) * request.per_page
                hits = list(results[start:start + request.per_page])
            # A filtered facet counts over the query and every *other* filter, so the
            # values a citizen could switch to keep their numbers.
            facets = {}
            for name in FACETS:
                others = {k: v for k, v in request.filters.items() if k != name}
                scope = self._allowed(searcher, sets, others)
                facets[name] = sets.counts(name, matched if scope is None else matched & scope)
            highlights = {}
            if has_text:
                highlights = {
                    int(hit["id"]): business_highlights(hit, plan.terms, plan.exact,
                                                        self.analyzer_name)
                    for hit in hits
                }
            return SearchPage(ids=[int(hit["id"]) for hit in hits], total=total,
                              facets=facets, suggestion=plan.suggestion, highlights=highlights,
                              typos=plan.typos)

    def _plan(self, searcher, text: str, allowed, additions=query.NO_ADDITIONS) -> query.Plan:
        if self.analyzer_name == "plain":
            return query.plain_plan(text)
        reader = searcher.reader()

        def count(candidate) -> int:
            """Return how many documents match, counting no further than HANDFUL."""
            if allowed is not None and not allowed:
                return 0
            found = self._collect(searcher, query.prune(candidate, reader), limit=None,
                                  filter=set(allowed) if allowed is not None else None,
                                  stop_after=query.HANDFUL)
            return min(len(found), query.HANDFUL)

        planned = query.plan(reader, text, count, additions)
        planned.query = query.prune(planned.query, reader)
        return planned

    def _collect(self, searcher, text_query, limit, filter=None, sortedby=None,
                 stop_after=None):
        """Run a search that stops at the request's time budget with what it found so far.

        With `stop_after`, unscored, it stops once it has found that many documents.
        """
        if stop_after:
            inner = collectors.UnsortedCollector()
        else:
            inner = searcher.collector(limit=limit, sortedby=sortedby)
        remaining = getattr(self, "_deadline", 0) - time.monotonic()
        # A page is filled even past the budget: "862 found" over an empty page is a wrong
        # answer (seen on a loaded machine), and `limit` more hits cost little.
        timed = _Deadline(inner, max(remaining, MIN_TIME_SLICE), stop_after,
                          minimum=0 if stop_after else (limit or 0))
        top = collectors.FilterCollector(timed, allow=filter) if filter is not None else timed
        try:
            searcher.search_with_collector(text_query, top)
        except _Enough:
            pass
        except TimeLimit:
            log.warning("search stopped at its time limit (%.1f s); answering with the hits "
                        "found so far", self.time_limit)
        return top.results()

    def suggest(self, text: str, limit: int = 10) -> list[dict]:
        """Return up to `limit` completions of `text` ({"text", "kind"})."""
        with self._lock:
            return complete(self._current_searcher().reader(), text, limit)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


class _Enough(Exception):
    """Raised by _Deadline once it has collected `stop_after` documents."""


class _Deadline(collectors.WrappingCollector):
    """A time limit that also holds when a filter wraps it (checked on every hit).

    Reads the clock instead of starting a timer thread per search: three thread starts a
    request cost more than the clock reads on a loaded machine (measured with cProfile).
    """

    def __init__(self, child, timelimit: float, stop_after: int | None = None,
                 minimum: int = 0):
        super().__init__(child)
        self.end = time.monotonic() + timelimit
        self.stop_after = stop_after
        self.minimum = minimum  # hits collected before the clock may stop the search
        self.collected = 0

    def collect(self, sub_docnum):
        if self.collected >= self.minimum and time.monotonic() > self.end:
            raise TimeLimit
        self.child.collect(sub_docnum)
        self.collected += 1
        if self.stop_after and self.collected >= self.stop_after:
            raise _Enough


def _unreadable(release: str, error: Exception) -> IndexUnavailable:
    """Say why a release cannot be read, and close the files Whoosh left open reading it.

    Whoosh raises with the table of contents still open in its frames: they are cleared
    here, so the files close now instead of warning whenever the exception is collected.
    """
    problem = IndexUnavailable(f"the live search index ({release}) cannot be read: "
                               f"{type(error).__name__}: {error}")
    _close_files_of(error)
    return problem


def _close_files_of(error: Exception) -> None:
    """Clear the frames of a failed Whoosh read or write: the files they hold close now."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        traceback.clear_frames(error.__traceback__)
        error.__traceback__ = None
        gc.collect()  # segment writers hold their files in reference cycles too


def _each(write, items: Iterable[dict]) -> int:
    count = 0
    for item in items:
        write(**item)
        count += 1
    return count


def _field_types(schema) -> list[tuple[str, str]]:
    # Whoosh compares analyzers by identity, so compare what an upgrade changes: the fields.
    return sorted((name, type(field).__name__) for name, field in schema.items())


def _filter_query(filters) -> Q.Query | None:
    clauses = [
        Q.NumericRange(RANGE_FILTERS[name], None, int(values[0])) if name in RANGE_FILTERS
        else Q.Or([Q.Term(name, value) for value in values])
        for name, values in filters.items()
        if values
    ]
    return Q.And(clauses) if clauses else None


def _sort_facet(sort: str, has_text: bool):
    if sort == "name":
        return sorting.FieldFacet("name_sort")
    if sort == "newest" or (sort == "relevance" and not has_text):
        return sorting.MultiFacet([
            sorting.FieldFacet("latest_on", reverse=True), sorting.FieldFacet("name_sort")
        ])
    return None
