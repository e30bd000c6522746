"""Whoosh: schema, query building, facets and atomic rebuilds.

Layout on disk: `<root>/current` is a symlink to `releases/<release id>`. A rebuild writes a
new release beside the live one and swaps the symlink with os.replace, so readers never see
an empty or partial index. Never imports Flask.
"""

import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh import sorting
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError

from .analysis import analyzer, terms
from .base import FACETS, FILTERS, IndexBusy, SearchPage, SearchRequest
from .facets import FacetSets

READY = "READY"  # written into a release once its build has committed
BUILDING = "BUILDING"  # holds the builder's pid while a release is being written
GRACE_SECONDS = 60.0  # old releases stay this long for searchers still reading them

# Query-time boosts: name > products > description/owner.
TEXT_FIELDS = {"name": 4.0, "products": 2.5, "description": 1.0, "owner": 0.8}


def build_schema() -> Schema:
    """Return the index schema; every field says why it is there."""
    text = analyzer()
    return Schema(
        id=ID(stored=True, unique=True),  # Business.id: the only thing a hit returns
        slug=ID(stored=True),  # for check-index reports
        name=TEXT(analyzer=text, stored=True),  # searched with the highest boost
        products=TEXT(analyzer=text),  # one product per line
        description=TEXT(analyzer=text),  # the post's text
        owner=TEXT(analyzer=text),
        category=ID(sortable=True),  # filter + facet (one value)
        district=ID(sortable=True),  # kecamatan slug: filter + facet
        kelurahan=ID(sortable=True),  # kelurahan slug: filter
        rubric=KEYWORD(scorable=False),  # every rubric the business appeared in
        year=KEYWORD(scorable=False),  # every year it was featured
        latest_on=NUMERIC(sortable=True),  # ordinal of the latest appearance: "newest"
        name_sort=ID(sortable=True),  # casefolded name: "name" sort
    )


class WhooshIndex:
    """A Whoosh index with atomic rebuilds and a reused, refreshed searcher."""

    def __init__(self, root: str, write_timeout: float = 10.0):
        self.root = root
        self.write_timeout = write_timeout
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._searcher = None
        self._searcher_release = None
        self._facets = None  # (searcher, FacetSets) of the current searcher
        os.makedirs(self.releases_dir, exist_ok=True)

    # -- releases ---------------------------------------------------------------------

    @property
    def releases_dir(self) -> str:
        return os.path.join(self.root, "releases")

    @property
    def current_link(self) -> str:
        return os.path.join(self.root, "current")

    def release_id(self) -> str | None:
        """Return the live release's id, or None when there is no index yet."""
        try:
            return os.path.basename(os.readlink(self.current_link))
        except FileNotFoundError:
            return None

    def exists(self) -> bool:
        return self.release_id() is not None

    def ensure(self) -> None:
        """Create an empty live index when there is none; sweep crashed builds."""
        self.sweep()
        if not self.exists():
            self.rebuild([])

    def _open(self):
        release = self.release_id()
        if release is None:
            self.rebuild([])
            release = self.release_id()
        return release, whoosh_index.open_dir(os.path.join(self.releases_dir, release))

    def rebuild(
        self, documents: Iterable[dict], progress: Callable[[int], None] | None = None
    ) -> int:
        """Write every document into a new release, then switch to it atomically."""
        release = f"{time.time_ns():x}-{secrets.token_hex(3)}"
        path = os.path.join(self.releases_dir, release)
        os.makedirs(path)
        with open(os.path.join(path, BUILDING), "w") as marker:
            marker.write(str(os.getpid()))
        ix = whoosh_index.create_in(path, self.schema)
        count = 0
        with ix.writer(limitmb=128) as writer:
            for document in documents:
                writer.add_document(**document)
                count += 1
                if progress:
                    progress(1)
        ix.close()
        open(os.path.join(path, READY), "w").close()
        os.remove(os.path.join(path, BUILDING))
        self._switch_to(release)
        self.sweep()
        return count

    def _switch_to(self, release: str) -> None:
        temporary = f"{self.current_link}.{release}.tmp"
        os.symlink(os.path.join("releases", release), temporary)
        os.replace(temporary, self.current_link)

    def sweep(self, grace: float = GRACE_SECONDS) -> None:
        """Remove crashed builds and releases replaced more than `grace` seconds ago."""
        live = self.release_id()
        now = time.time()
        for name in os.listdir(self.releases_dir):
            path = os.path.join(self.releases_dir, name)
            if name == live or not os.path.isdir(path):
                continue
            if os.path.exists(os.path.join(path, READY)):
                if now - os.path.getmtime(os.path.join(path, READY)) > grace:
                    shutil.rmtree(path, ignore_errors=True)
            elif not _builder_alive(path):
                shutil.rmtree(path, ignore_errors=True)

    # -- writes -----------------------------------------------------------------------

    def _writer(self, ix):
        try:
            return ix.writer(timeout=self.write_timeout)
        except LockError as error:
            raise IndexBusy("the search index is busy; try again shortly") from error

    def upsert(self, documents: Iterable[dict]) -> int:
        """Add or replace documents by id in the live index."""
        _, ix = self._open()
        count = 0
        with self._writer(ix) as writer:
            for document in documents:
                writer.update_document(**document)
                count += 1
        ix.close()
        return count

    def delete(self, ids: Iterable[int]) -> None:
        """Remove the documents of these business ids from the live index."""
        _, ix = self._open()
        with self._writer(ix) as writer:
            for business_id in ids:
                writer.delete_by_term("id", str(business_id))
        ix.close()

    # -- reads ------------------------------------------------------------------------

    def _current_searcher(self):
        """Return a searcher on the live release, reopened only when the index changed."""
        release = self.release_id()
        if self._searcher is not None and release == self._searcher_release:
            if self._searcher.up_to_date():
                return self._searcher
            fresh = self._searcher.refresh()
            if fresh is not self._searcher:
                self._searcher = fresh
            return self._searcher
        if self._searcher is not None:
            self._searcher.close()
        release, ix = self._open()
        self._searcher, self._searcher_release = ix.searcher(), release
        return self._searcher

    def document_ids(self) -> set[int]:
        """Return every business id in the live index."""
        with self._lock:
            searcher = self._current_searcher()
            return {int(fields["id"]) for fields in searcher.all_stored_fields()}

    def _facet_sets(self, searcher) -> FacetSets:
        if self._facets is None or self._facets[0] is not searcher:
            self._facets = (searcher, FacetSets(searcher, FILTERS))
        return self._facets[1]

    def search(self, request: SearchRequest) -> SearchPage:
        """Run `request`: the page's ids in order, the total and disjunctive facets."""
        has_text = bool(terms(request.text))
        with self._lock:
            searcher = self._current_searcher()
            sets = self._facet_sets(searcher)
            allowed = sets.allowed(request.filters)
            if has_text:
                text_query = self._text_query(request.text)
                matched = frozenset(searcher.docs_for_query(text_query))
            else:
                # Browsing: the filters are the query; nothing to score.
                text_query = _filter_query(request.filters) or Q.Every()
                matched = sets.live
            if allowed is not None and not allowed:
                ids, total = [], 0  # Whoosh reads an empty allow-set as "allow all"
            else:
                results = searcher.search_page(
                    text_query, request.page, pagelen=request.per_page,
                    filter=set(allowed) if allowed is not None and has_text else None,
                    sortedby=_sort_facet(request.sort, has_text),
                )
                total = results.total
                on_page = request.page <= results.pagecount
                ids = [int(hit["id"]) for hit in results] if on_page else []
            # A filtered facet counts over the query and every *other* filter, so the
            # values a citizen could switch to keep their numbers.
            facets = {}
            for name in FACETS:
                others = {k: v for k, v in request.filters.items() if k != name}
                scope = sets.allowed(others)
                facets[name] = sets.counts(name, matched if scope is None else matched & scope)
            return SearchPage(ids=ids, total=total, facets=facets)

    def _text_query(self, text: str) -> Q.Query:
        words = terms(text)
        if not words:
            return Q.Every()
        return Q.And([
            Q.Or([Q.Term(field, word, boost=boost) for field, boost in TEXT_FIELDS.items()])
            for word in dict.fromkeys(words)
        ])

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def _builder_alive(path: str) -> bool:
    try:
        with open(os.path.join(path, BUILDING)) as marker:
            pid = int(marker.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _filter_query(filters) -> Q.Query | None:
    clauses = [
        Q.Or([Q.Term(name, value) for value in values])
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
