"""The Whoosh index's lifecycle: releases, atomic rebuilds, applying changes, the searcher.

Layout on disk: `<root>/current` is a symlink to `releases/<release id>`. A rebuild writes a
new release beside the live one and swaps the symlink with os.replace, so readers never see
an empty or partial index. Each release records the last change-log entry it holds; one
process at a time applies the entries after it (`applying`). The schema is in schema.py,
running a request in execution.py. Never imports Flask.

Over 300 lines on purpose: one class holds the lock, the releases and the open searcher
that every operation here shares; split, each part would reach into the others' state.
"""

import errno
import gc
import pickle
import struct
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.index import LockError

from .. import pausepoints
from . import execution
from .analysis import DEFAULT_ANALYZER
from .base import IndexBusy, IndexDiskFull, IndexUnavailable, SearchPage, SearchRequest
from .releases import GRACE_SECONDS, BuildLock, BuildRunning, Releases
from .schema import build_schema, field_types
from .suggest import complete

# What opening a deleted or damaged release raises (its table of contents is a pickle).
UNREADABLE = (OSError, EOFError, struct.error, pickle.UnpicklingError, ValueError, KeyError,
              IndexError, AttributeError, whoosh_index.EmptyIndexError, whoosh_index.IndexError)
SEARCH_TIME_LIMIT = 0.8  # seconds; a search running longer returns what it found so far


class Applier:
    """The live release, held by the one process applying the change log to it."""

    def __init__(self, index: "WhooshIndex", release: str):
        self.index, self.release = index, release
        self.position = index.releases.position(release) or 0

    def write(self, position: int, documents: Iterable[dict], deleted: Iterable[int]) -> None:
        """Upsert `documents`, delete `deleted` ids, then record `position` as applied."""
        try:
            ix = whoosh_index.open_dir(self.index.releases.path(self.release))
        except UNREADABLE as error:
            raise _unreadable(self.release, error) from None
        try:
            with self.index._writer(ix) as writer:
                _each(writer.update_document, documents)
                _each(writer.delete_by_term,
                      [{"fieldname": "id", "text": str(i)} for i in deleted])
        finally:
            ix.close()
        # Committed first, recorded after: a crash in between re-applies (idempotent).
        pausepoints.pause("applied-before-position")
        self.index.releases.set_position(self.release, position)
        self.position = position


class WhooshIndex:
    """A Whoosh index with atomic rebuilds and a reused, refreshed searcher."""

    def __init__(self, root: str, write_timeout: float = 10.0, analyzer: str = DEFAULT_ANALYZER,
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
        self._state = None  # execution.SearcherState of the current searcher
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

    def position(self) -> int:
        """Return the last change-log entry the live release holds (0: none, or no index)."""
        release = self.release_id()
        return (self.releases.position(release) or 0) if release else 0

    def is_current(self) -> bool:
        """Return whether the live index exists, has this version's fields and a position."""
        release = self.release_id()
        if release is None or self.releases.position(release) is None:
            return False
        try:
            _, ix = self._open()
        except IndexUnavailable:
            return False  # damaged: rebuilt like an outdated one
        try:
            return field_types(ix.schema) == field_types(self.schema)
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
        *, at: int = 0, lock: BuildLock | None = None, procs: int = 1,
    ) -> int:
        """Write every document into a new release holding change `at`, switch to it atomically.

        The caller read `at` before the documents and applies the changes after it once
        this returns. Raises BuildRunning when another build holds the lock; pass `lock`
        when the caller already holds it.
        `procs` > 1 analyses and writes in that many processes (one segment each): only
        from a single-threaded process such as the CLI, since it forks.
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
                count = self._build(release, documents, progress, procs)
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
            self.releases.set_position(release, at)
            pausepoints.pause("built-before-swap")
            self.releases.switch_to(release)
            pausepoints.pause("swapped")
            self.releases.sweep()
        finally:
            if own_lock:
                lock.release()
        return count

    def _build(self, release: str, documents: Iterable[dict], progress, procs: int = 1) -> int:
        ix = whoosh_index.create_in(self.releases.path(release), self.schema)
        count = 0
        # Several processes each write a segment, kept as they are (no merge at the end):
        # analysis (stemming) is most of a build and runs on every core. This process
        # meanwhile reads the database and makes the documents.
        options = {"procs": procs, "multisegment": True, "batchsize": 500} if procs > 1 else {}
        with ix.writer(limitmb=128, **options) as writer:
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

    @contextmanager
    def applying(self, wait: float = 0.0) -> Iterator[Applier | None]:
        """Hold the right to apply changes to the live release (None: another process has it).

        Waits up to `wait` seconds for the process applying now; that one's work shows in
        every searcher here as soon as it commits.
        """
        lock = self.releases.apply_lock()
        if not lock.acquire(wait):
            yield None
            return
        try:
            release = self.release_id()
            if release is None:
                raise IndexUnavailable(f"there is no live search index in {self.root}")
            yield Applier(self, release)
        finally:
            lock.release()

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
            self._searcher, self._state = None, None  # its caches go with it
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

    def stored_fields(self) -> dict[int, tuple[str, str]]:
        """Return business id -> (slug, name) of every document, for check-index."""
        with self._lock:
            searcher = self._current_searcher()
            return {int(f["id"]): (f["slug"], f["name"]) for f in searcher.all_stored_fields()}

    def _current_state(self) -> execution.SearcherState:
        searcher = self._current_searcher()
        if self._state is None or self._state.searcher is not searcher:
            self._state = execution.SearcherState(searcher, self.analyzer_name)
        return self._state

    def search(self, request: SearchRequest) -> SearchPage:
        """Run `request`: the page's ids in order, the total, disjunctive facets, highlights."""
        # One time budget for the whole request, planning and the page.
        deadline = time.monotonic() + self.time_limit
        with self._lock:
            return execution.search(self._current_state(), request, deadline)

    def ids(self, request: SearchRequest) -> list[int]:
        """Return the ids of every business matching `request`, ascending (exports)."""
        with self._lock:
            return execution.ids(self._current_state(), request)

    def suggest(self, text: str, limit: int = 10) -> list[dict]:
        """Return up to `limit` completions of `text` ({"text", "kind"})."""
        with self._lock:
            return complete(self._current_searcher().reader(), text, limit)

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._state = None


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
