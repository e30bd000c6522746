"""Query execution: one request against one searcher within a deadline.

`search(state, request, deadline)` is a function of its arguments: the only things kept
between requests live in `SearcherState`, whose caches depend on nothing but its searcher
(reopened, and so emptied, by any write or swap). Matching is set algebra over bitmaps of
each term's postings (total, facets and the planner's counts need no scoring); only the
shown page is ranked by Whoosh. Never imports Flask.

Over 300 lines: SearcherState's caches and the functions that read them are one unit; the
ranking (ranking.py), facets (facets.py) and bitmaps (bitmaps.py) are split out already.
"""

import logging
import threading
import time
from collections import OrderedDict

import numpy as np
from whoosh import collectors, sorting
from whoosh import query as Q
from whoosh.reading import TermNotFound
from whoosh.searching import TimeLimit

from . import query
from .analysis import DEFAULT_ANALYZER
from .base import FACETS, FILTERS, RANGE_FILTERS, SearchPage, SearchRequest
from .bitmaps import contains, from_docnums, membership, to_docnums
from .facets import FacetSets
from .highlight import business_highlights
from .ranking import Ranker, Unsupported
from .schema import ID_FIELD, LATEST_FIELD, NAME_SORT_FIELD
from .where_when import WhereWhenSets

log = logging.getLogger(__name__)

MIN_TIME_SLICE = 0.02  # seconds the scored page gets even when the budget is spent
TERM_CACHE = 2048  # term bitmaps kept per searcher: <= 25 MB at 100k documents
RESULT_CACHE = 512  # answered requests kept per searcher: a popular query is a look-up
WALK = 2048  # documents of a sort order walked one by one before numpy takes over


class SearcherState:
    """One searcher and what is worth keeping while it is current."""

    def __init__(self, searcher, analyzer_name: str = DEFAULT_ANALYZER):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.analyzer_name = analyzer_name
        self.facets = FacetSets(searcher, [f for f in FILTERS if f not in RANGE_FILTERS])
        self._terms: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._results: OrderedDict[tuple, SearchPage] = OrderedDict()
        self._orders: dict[str, np.ndarray] = {}
        self._ranker: Ranker | None | bool = False  # False: not made yet; None: unsupported
        self._lock = threading.Lock()
        self._where_when: WhereWhenSets | None = None

    def where_when(self) -> WhereWhenSets:
        """Status, hours and points of this searcher's documents (read once)."""
        if self._where_when is None:
            live = frozenset(to_docnums(self.facets.live))
            self._where_when = WhereWhenSets(self.searcher, live)
        return self._where_when

    def ranker(self) -> Ranker | None:
        """Return the numpy ranker of this searcher, or None where Whoosh must rank."""
        if self._ranker is False:
            try:
                self._ranker = Ranker(self.searcher)
            except Unsupported:
                self._ranker = None
        return self._ranker

    # -- matching as set algebra ------------------------------------------------------

    def term(self, field: str, text: str) -> int:
        """Return the bitmap of the documents holding `text` in `field` (cached)."""
        key = (field, text)
        with self._lock:
            bits = self._terms.get(key)
            if bits is not None:
                self._terms.move_to_end(key)
                return bits
        try:
            bits = from_docnums(self.reader.postings(field, text).all_ids())
        except TermNotFound:
            bits = 0
        with self._lock:
            self._terms[key] = bits
            if len(self._terms) > TERM_CACHE:
                self._terms.popitem(last=False)
        return bits

    def matching(self, q: Q.Query) -> int:
        """Return the bitmap of the live documents `q` matches (no scoring)."""
        return self._match(q) & self.facets.live

    def _match(self, q: Q.Query) -> int:
        if q is Q.NullQuery:
            return 0
        if isinstance(q, Q.Every):
            return self.facets.live
        if isinstance(q, Q.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, Q.AndMaybe):  # the optional part ranks, never matches
            return self._match(q.a)
        if isinstance(q, Q.ConstantScoreQuery):
            return self._match(q.child)
        if isinstance(q, Q.And):
            found = None
            for sub in q.subqueries:
                bits = self._match(sub)
                found = bits if found is None else found & bits
                if not found:
                    return 0
            return found or 0
        if isinstance(q, Q.Or):
            found = 0
            for sub in q.subqueries:
                found |= self._match(sub)
            return found
        # Anything else (none is built today) is matched by Whoosh.
        return from_docnums(self.searcher.docs_for_query(q))

    def allowed(self, filters) -> int | None:
        """Return the documents passing every filter, term and range alike; None = all."""
        allowed = self.facets.allowed({k: v for k, v in filters.items()
                                       if k not in RANGE_FILTERS})
        for name, field in RANGE_FILTERS.items():
            if filters.get(name):
                bound = int(filters[name][0])
                key = ("<=", field, bound)
                with self._lock:
                    documents = self._terms.get(key)
                if documents is None:
                    found = self.searcher.docs_for_query(Q.NumericRange(field, None, bound))
                    documents = from_docnums(found) & self.facets.live
                    with self._lock:
                        self._terms[key] = documents
                allowed = documents if allowed is None else allowed & documents
        return allowed

    def order(self, sort: str) -> np.ndarray:
        """Return every document number in the order of `sort` ("newest" or "name")."""
        with self._lock:
            found = self._orders.get(sort)
        if found is None:
            # Once per searcher: every later page of this order is a look-up in this array.
            results = self.searcher.search(Q.Every(), limit=None,
                                           sortedby=_sort_facet(sort))
            found = np.array([docnum for _, docnum in results.top_n], dtype=np.int64)
            with self._lock:
                self._orders[sort] = found
        return found

    # -- answered requests --------------------------------------------------------------

    def cached(self, key: tuple) -> SearchPage | None:
        with self._lock:
            page = self._results.get(key)
            if page is not None:
                self._results.move_to_end(key)
            return page

    def remember(self, key: tuple, page: SearchPage) -> None:
        with self._lock:
            self._results[key] = page
            if len(self._results) > RESULT_CACHE:
                self._results.popitem(last=False)


def request_key(request: SearchRequest) -> tuple:
    filters = tuple(sorted((k, tuple(sorted(v))) for k, v in request.filters.items() if v))
    # The staff's vocabulary additions change answers without changing the index.
    # Where and when: open now changes with the minute.
    minute = request.now.strftime("%Y%m%d%H%M") if request.open_now and request.now else None
    return (" ".join(request.text.split()).casefold(), filters, request.sort, request.page,
            request.per_page, request.additions, request.statuses, minute, request.near,
            request.radius)


def _narrowing(state: SearcherState, request: SearchRequest):
    """Return the where-when sets, the bitmap passing open now/radius (None: all), the
    distances inside the radius, and the bitmap of documents hidden by their status."""
    ww = state.where_when()
    narrow, known, hidden = None, None, 0
    if request.statuses:
        hidden = from_docnums(ww.with_status(set(ww.by_status) - set(request.statuses)))
    if request.open_now:
        narrow = from_docnums(ww.open_at(request.now))
    if request.near and request.radius:
        known = ww.within(*request.near, request.radius)
        inside = from_docnums(known)
        narrow = inside if narrow is None else narrow & inside
    return ww, narrow, known, hidden


def search(state: SearcherState, request: SearchRequest, deadline: float) -> SearchPage:
    """Answer `request`: the page's ids in order, the exact total, facets and highlights."""
    key = request_key(request)
    page = state.cached(key)
    if page is not None:
        return page
    has_text = bool(request.text.strip())
    sets = state.facets
    ww, narrow, known, hidden = _narrowing(state, request)
    allowed = state.allowed(request.filters)
    if narrow is not None:
        allowed = narrow if allowed is None else allowed & narrow
    plan = _plan(state, request.text, allowed, request.additions, hidden)
    matched = state.matching(plan.query) if has_text else sets.live
    if narrow is not None:
        matched &= narrow
    if hidden:
        matched &= ~hidden
    selected = matched if allowed is None else matched & allowed
    total = selected.bit_count()
    start = (request.page - 1) * request.per_page
    complete = True
    metres = {}
    if request.near and request.sort == "distance":
        ordered = ww.nearest(*request.near, frozenset(to_docnums(selected)),
                             start + request.per_page, known)
        metres = dict(ordered[start:start + request.per_page])
        docnums = [d for d, _ in ordered[start:start + request.per_page]]
    elif not total or start >= total:
        docnums = []
    elif has_text and request.sort == "relevance":
        docnums, complete = _ranked(state, plan.query, selected, allowed,
                                    start + request.per_page, deadline)
        docnums = docnums[start:]
    else:  # browsing, or sorted by date or name: nothing to score
        docnums = _in_order(state.order("name" if request.sort == "name" else "newest"),
                            selected, start, request.per_page)
    stored = [state.searcher.stored_fields(n) for n in docnums]
    # A filtered facet counts over the query and every *other* filter, so the values a
    # citizen could switch to keep their numbers.
    facets = {}
    for name in FACETS:
        scope = state.allowed({k: v for k, v in request.filters.items() if k != name})
        facets[name] = sets.counts(name, matched if scope is None else matched & scope)
    highlights = {}
    if has_text:
        highlights = {int(fields[ID_FIELD]): business_highlights(fields, plan.terms, plan.exact,
                                                                 state.analyzer_name)
                      for fields in stored}
    distances = {}
    if request.near:
        distances = {int(fields[ID_FIELD]): (metres[n] if n in metres
                                             else ww.distance(n, *request.near))
                     for n, fields in zip(docnums, stored, strict=True)}
    page = SearchPage(ids=[int(fields[ID_FIELD]) for fields in stored], total=total,
                      facets=facets, suggestion=plan.suggestion, highlights=highlights,
                      typos=plan.typos, distances=distances, partial=not complete)
    if complete:  # a page cut short by the deadline is not worth keeping
        state.remember(key, page)
    return page


def ids(state: SearcherState, request: SearchRequest) -> list[int]:
    """Return the ids of every business matching `request`, ascending: no facets, no ranks."""
    allowed = state.allowed(request.filters)
    if request.text.strip():
        matched = state.matching(_plan(state, request.text, allowed, request.additions).query)
    else:
        matched = state.facets.live
    if allowed is not None:
        matched &= allowed
    return sorted(int(state.searcher.stored_fields(n)[ID_FIELD]) for n in to_docnums(matched))


def _plan(state: SearcherState, text: str, allowed: int | None,
          additions=query.NO_ADDITIONS, hidden: int = 0) -> query.Plan:
    if state.analyzer_name == "plain":
        return query.plain_plan(text)

    def count(candidate) -> int:
        """Return how many documents match, counting no further than HANDFUL."""
        found = state.matching(candidate)
        if allowed is not None:
            found &= allowed
        if hidden:
            found &= ~hidden
        return min(found.bit_count(), query.HANDFUL)

    planned = query.plan(state.reader, text, count, additions)
    planned.query = query.prune(planned.query, state.reader)
    return planned


def _in_order(order: np.ndarray, selected: int, start: int, count: int) -> list[int]:
    """Return the documents `start` to `start + count` of `selected`, in `order`.

    A walk down the order finds a broad selection's page at once; a narrow one (a filter
    alone, say a category in one kecamatan and year) would walk most of the order, so
    after WALK documents the rest is one numpy look-up (measured at 100k: up to 18 ms a
    search walking, ~1 ms vectorised).
    """
    data, found, seen = membership(selected), [], 0
    for number in order[:WALK].tolist():
        if contains(data, number):
            if seen >= start:
                found.append(number)
                if len(found) == count:
                    return found
            seen += 1
    if len(order) <= WALK:
        return found
    flags = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    rest = order[WALK:]
    rest = rest[rest < len(flags)]
    hits = rest[flags[rest].astype(bool)]
    skip = max(0, start - seen)  # the page's first document is `skip` into the hits
    return found + hits[skip:skip + count - len(found)].tolist()


def _ranked(state, text_query, selected: int, allowed: int | None, limit: int,
            deadline: float) -> tuple[list[int], bool]:
    """Return the best `limit` document numbers by score, and whether ranking finished.

    Scored by ranking.py where it can; otherwise by Whoosh, and when the deadline passes
    the page is ranked from the hits scored so far.
    """
    ranker = state.ranker()
    if ranker is not None:
        try:
            return ranker.top(text_query, selected, limit), True
        except Unsupported:
            pass
    searcher = state.searcher
    inner = searcher.collector(limit=limit)
    # A page is filled even past the budget: "862 found" over an empty page is a wrong
    # answer (seen on a loaded machine), and `limit` more hits cost little.
    timed = _Deadline(inner, max(deadline - time.monotonic(), MIN_TIME_SLICE), minimum=limit)
    top = timed
    if allowed is not None:
        top = collectors.FilterCollector(timed, allow=set(to_docnums(selected)))
    complete = True
    try:
        searcher.search_with_collector(text_query, top)
    except TimeLimit:
        complete = False
        log.warning("search ranking stopped at its time limit; answering with the hits "
                    "scored so far")
    return [hit.docnum for hit in top.results()], complete


class _Deadline(collectors.WrappingCollector):
    """A time limit that also holds when a filter wraps it (checked on every hit).

    Reads the clock instead of starting a timer thread per search: three thread starts a
    request cost more than the clock reads on a loaded machine (measured with cProfile).
    """

    def __init__(self, child, timelimit: float, minimum: int = 0):
        super().__init__(child)
        self.end = time.monotonic() + timelimit
        self.minimum = minimum  # hits collected before the clock may stop the search
        self.collected = 0

    def collect(self, sub_docnum):
        if self.collected >= self.minimum and time.monotonic() > self.end:
            raise TimeLimit
        self.child.collect(sub_docnum)
        self.collected += 1


def _sort_facet(sort: str):
    if sort == "name":
        return sorting.FieldFacet(NAME_SORT_FIELD)
    return sorting.MultiFacet([sorting.FieldFacet(LATEST_FIELD, reverse=True),
                               sorting.FieldFacet(NAME_SORT_FIELD)])
