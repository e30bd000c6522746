"""Use-cases: the one place that touches both the database and the search index.

Business data is written only inside `changing()`: one transaction that also logs each
business changed (changelog.py). The index follows that log after the commit (follow.py),
here and on every other machine, so a rolled-back write leaves no ghost document and a
crash at any moment loses nothing the database acknowledged.

The reference lists with their live counts are in listings.py.
"""

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from . import changelog, follow, pausepoints, querylog, vocabulary_additions
from .hits import SearchHit
from .importers import ImportReport, PhotoSteps, run_import
from .models import Business, Feature, Kelurahan, db
from .search import BuildRunning, SearchIndex, SearchPage, SearchRequest, get_index
from .search.documents import business_document

INDEX_BATCH = 500
# A change this large (an import of the register) is written as a full rebuild in parallel
# rather than as updates of the live index, when the caller allows processes.
BULK_REBUILD = 5_000
SUGGESTIONS = 10


@dataclass
class Change:
    """One unit of work: the session to write business rows in, committed on exit."""

    session: Session

    def add(self, row) -> None:
        self.session.add(row)


@contextmanager
def changing(*, follow_now: bool = True) -> Iterator[Change]:
    """The one way to write business data: commit on exit (roll back on error), then index.

    The change-log entries are written by the session hook inside this transaction; the
    index is written after the commit, never inside it. `follow_now`: apply the change to
    this machine's index before returning (else the next search or the follower does).
    """
    try:
        yield Change(db.session)
        pausepoints.pause("before-commit")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    pausepoints.pause("after-commit")
    if follow_now:
        follow.after_write()


def searchable() -> SearchIndex:
    """Return the search index, caught up with the change log when it fell behind."""
    follow.before_search()
    return get_index()


def live_businesses():
    """Return the select() of businesses the public sees (not soft-deleted)."""
    return select(Business).where(Business.deleted_at.is_(None))


def get_business(slug: str) -> Business | None:
    """Return the public business with `slug`, its features loaded, or None."""
    statement = live_businesses().where(Business.slug == slug).options(
        selectinload(Business.features), selectinload(Business.photos))
    return db.session.scalars(statement).first()


def businesses_by_ids(ids: list[int]) -> list[Business]:
    """Return the live businesses with these ids, in the order given."""
    if not ids:
        return []
    # The card shows category, kelurahan and kecamatan: loaded with the rows, not one
    # query each (measured: ~130 lazy loads per 27 searches at 2k businesses).
    statement = live_businesses().where(Business.id.in_(ids)).options(
        selectinload(Business.features), selectinload(Business.photos),
        joinedload(Business.category),
        joinedload(Business.kelurahan).joinedload(Kelurahan.kecamatan))
    found = {b.id: b for b in db.session.scalars(statement)}
    return [found[i] for i in ids if i in found]


def search_businesses(request: SearchRequest, *, log: bool = False
                      ) -> tuple[SearchPage, list[SearchHit]]:
    """Search the index, then fetch the page's rows from the database in ranked order,
    each with its highlights and distance beside it (hits.SearchHit); `log`: log_search.
    """
    request = with_additions(request)
    page = searchable().search(request)
    if log:
        log_search(request, page)
    return page, [SearchHit(b, page.highlights.get(b.id), page.distances.get(b.id))
                  for b in businesses_by_ids(page.ids)]


def log_search(request: SearchRequest, page: SearchPage) -> None:
    """Count the first page of a citizen's text search in the query log."""
    if request.page == 1 and request.text.strip():
        querylog.record(request.text, page.total, filtered=bool(request.filters),
                        corrected=page.typos or page.suggestion is not None)


def with_additions(request: SearchRequest) -> SearchRequest:
    """Return `request` carrying the staff's vocabulary additions in force now."""
    if request.additions or not request.text.strip():
        return request
    return replace(request, additions=vocabulary_additions.current())


def check_vocabulary_addition(text: str, days: int = 30, limit: int = 200) -> list[dict]:
    """Dry run: the listed zero-result queries of the last `days` days that `text` would fix.

    Each item: query, searches (how often it found nothing), found (what it finds with the
    addition). Raises vocabulary_additions.InvalidAddition for a line that is not one.
    """
    kind, broader, entries = vocabulary_additions.parse(text)
    proposed = vocabulary_additions.as_additions([vocabulary_additions.VocabularyAddition(
        kind=kind, broader=broader, entries=entries)])
    in_force = vocabulary_additions.current()
    additions = replace(in_force, groups=in_force.groups + proposed.groups,
                        narrower=in_force.narrower + proposed.narrower)
    end = querylog.today()
    fixes = []
    for item in querylog.top_queries(end - timedelta(days=days - 1), end, zero_only=True,
                                     limit=limit):
        page = searchable().search(SearchRequest(text=item["query"], per_page=1,
                                                additions=additions))
        if page.total:
            fixes.append({"query": item["query"], "searches": item["zero_results"],
                          "found": page.total})
    return fixes


def suggest(text: str) -> list[dict]:
    """Return up to 10 completions of what a citizen is typing."""
    return searchable().suggest(text, limit=SUGGESTIONS)


def _documents_in_batches() -> Iterable[dict]:
    # Short read transactions, one per batch: a long one would hold back staff writes, and
    # a business written after the build noted its log position is applied after the swap.
    with Session(db.engine) as session:
        ids = list(session.scalars(select(Business.id).where(Business.deleted_at.is_(None))
                                   .order_by(Business.id)))
    for start in range(0, len(ids), INDEX_BATCH):
        with Session(db.engine) as session:
            statement = (live_businesses().where(Business.id.in_(ids[start:start + INDEX_BATCH]))
                         .options(selectinload(Business.features)).order_by(Business.id))
            documents = [business_document(b) for b in session.scalars(statement)]
        yield from documents


def reindex(progress: Callable[[int], None] | None = None, *, lock=None,
            procs: int = 1) -> int:
    """Rebuild the whole index from the database beside the live one, then swap it in.

    Notes the change log's position first, builds from the database, swaps, then applies
    the changes made since. `lock`: the index's build lock, when the caller already holds
    it. `procs`: processes that analyse and write (> 1 only from a single-threaded caller:
    it forks).
    """
    with Session(db.engine) as session:  # a fresh snapshot: every entry up to it committed
        at = session.scalar(select(func.max(changelog.ChangeEntry.id))) or 0
    count = get_index().rebuild(_documents_in_batches(), progress=progress, at=at, lock=lock,
                                procs=procs)
    follow.register(at)
    follow.catch_up(follow.WRITE_WAIT)
    return count


def build_processes(count: int) -> int:
    """Return how many processes a CLI build of `count` businesses should use."""
    return min(2, os.cpu_count() or 1) if count >= BULK_REBUILD else 1


def count_live() -> int:
    return db.session.scalar(select(func.count()).select_from(live_businesses().subquery()))


def import_bytes(data: bytes, filename: str, dry_run: bool = False,
                 progress: Callable[[int], None] | None = None, *,
                 before_commit: Callable[[ImportReport], None] | None = None,
                 procs: int = 1) -> ImportReport:
    """Import a staff file; commit and index unless `dry_run`. Unreadable files change nothing.

    `before_commit(report)` may add rows (an audit entry) to the same transaction.
    `procs` > 1 (the CLI, for a large file): at least BULK_REBUILD changed businesses are
    indexed by a parallel rebuild rather than one by one.
    """
    if dry_run:
        try:
            return run_import(data, filename, dry_run=True, progress=progress,
                              photo_steps=PHOTO_STEPS)
        finally:
            db.session.rollback()
    with changing(follow_now=False):
        report = run_import(data, filename, progress=progress, photo_steps=PHOTO_STEPS)
        if before_commit:
            before_commit(report)
    if procs > 1 and len(report.changed_ids) >= BULK_REBUILD:
        try:
            reindex(procs=procs)
            return report
        except BuildRunning:
            pass  # someone else is rebuilding: it applies this import after its swap
    follow.after_write()
    return report


def _prepare_photo(data: bytes, name: str):
    from . import gallery
    from .errors import ApiError

    try:
        return gallery.prepare(data, name)
    except ApiError as error:
        raise ValueError(error.message) from error


def _attach_photo(business: Business, prepared, dry_run: bool) -> bool:
    from . import gallery

    if dry_run:
        return all(p.digest != prepared.digest for p in business.photos)
    return gallery.add_prepared(business, prepared) is not None


# A .zip import's photos go through the same pipeline as a staff upload.
PHOTO_STEPS = PhotoSteps(prepare=_prepare_photo, attach=_attach_photo)


def import_file(path: str | Path, dry_run: bool = False,
                progress: Callable[[int], None] | None = None, procs: int = 1) -> ImportReport:
    path = Path(path)
    return import_bytes(path.read_bytes(), path.name, dry_run=dry_run, progress=progress,
                        procs=procs)


def count_import_rows(path: str | Path) -> int:
    """Return a cheap upper bound of the rows in a file, for a progress bar."""
    return Path(path).read_bytes().count(b"\n")


def features_timeline(rubric_slugs: list[str], years: list[int], page: int,
                      per_page: int) -> tuple[list[Feature], int]:
    """Return one page of appearances, newest first, and their total."""
    statement = select(Feature).join(Business).where(Business.deleted_at.is_(None))
    if rubric_slugs:
        statement = statement.where(Feature.rubric_slug.in_(rubric_slugs))
    if years:
        statement = statement.where(extract("year", Feature.featured_on).in_(years))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(
        statement.options(selectinload(Feature.business).selectinload(Business.features),
                          selectinload(Feature.business).selectinload(Business.photos))
        .order_by(Feature.featured_on.desc(), Feature.id.desc())
        .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def matching_ids(request: SearchRequest) -> list[int]:
    """Return the ids of every business that matches `request`, ascending (for exports)."""
    return searchable().ids(with_additions(request))


def unmet_demand(start, end, limit: int = 100) -> list[dict]:
    """Return what citizens searched for in [start, end] that no featured business offers.

    The words of the listed queries, each searched alone in the live index now: kept when
    it finds no business, or only businesses never featured ("tempe mendoan" found keripik
    tempe, yet nobody offers mendoan). Staff use the list to choose the next feature; a word
    fixed since (a new business, a synonym) drops out by itself.
    """
    from .search.vocabulary import stopwords

    unmet = []
    for item in querylog.searched_words(start, end, stopwords()):
        # Ids only (no ranking, facets or rows), then one query: is any of them featured?
        ids = searchable().ids(with_additions(SearchRequest(text=item["word"])))
        featured = bool(ids) and db.session.scalar(
            select(Feature.id).where(Feature.business_id.in_(ids)).limit(1)) is not None
        if not featured:
            unmet.append({**item, "offered_by": len(ids)})
        if len(unmet) >= limit:
            break
    return unmet
