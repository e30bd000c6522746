"""Whole search answers kept per worker: the JSON body and its ETag, ready to send again.

A popular search asked again costs a version query and two dictionary look-ups instead of
matching, ranking, loading 20 rows and serializing them (docs/search.md has the profile).
An entry is served only while everything its body was made from is unchanged:

- the query string, canonical: parameters sorted by name (a value's place among the
  values of its own parameter is kept), so `?district=klojen&q=kopi` finds `?q=kopi&...`;
- the index's answer: while its searcher is current the index returns the very same
  SearchPage object for the same request (execution.SearcherState keeps it), and any write,
  rebuild or swap opens a new searcher. The entry holds that object and is served only
  when the index, asked again, hands back the same one;
- the database: the newest change-log id (a session hook adds one for every write to a
  business, its features or photos, whoever writes) and the version of the staff's
  vocabulary additions, read in one query;
- the clock: open_now, next_change and the week are computed at request time, so an entry
  belongs to one bucket of HTTP_CACHE_CLOCK_MAX_AGE seconds of WIB time and is never
  older than the max-age the answer itself declares.

The query log still counts a served entry like any search; the rate limit, the cache
headers and 304s are the after-request hooks' and apply alike.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import wraps

from flask import current_app, g, request

from .. import services, where_when
from ..changelog import ChangeEntry
from ..models import db
from ..search import SearchPage, SearchRequest
from ..vocabulary_additions import VocabularyAddition


@dataclass(frozen=True)
class Entry:
    request: SearchRequest  # as the index was asked, the staff's additions included
    page: SearchPage  # the index's answer object the body was made from
    version: tuple  # data_version() when the body was made
    bucket: int  # WIB time bucket
    body: bytes
    etag: str


class AnswerCache:
    """A bounded LRU of entries (count and bytes); one per app in each worker."""

    def __init__(self, entries: int, max_bytes: int):
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[tuple, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = entry
            self._bytes += len(entry.body)
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._items)


def answer_cache() -> AnswerCache | None:
    """Return this app's answer cache, or None when HTTP_ANSWER_CACHE_ENTRIES is 0.

    None too when HTTP_CACHE_CLOCK_MAX_AGE is 0: answers that may not be kept at all.
    """
    if int(current_app.config["HTTP_CACHE_CLOCK_MAX_AGE"]) <= 0:
        return None
    cache = current_app.extensions.get("answer_cache")
    if cache is None:
        entries = int(current_app.config.get("HTTP_ANSWER_CACHE_ENTRIES", 0))
        if entries <= 0:
            return None
        megabytes = float(current_app.config.get("HTTP_ANSWER_CACHE_MB", 32))
        cache = current_app.extensions.setdefault(
            "answer_cache", AnswerCache(entries, int(megabytes * 1024 * 1024)))
    return cache


def canonical_key() -> tuple:
    """The request's path and parameters, sorted by name (stable within one name)."""
    return (request.path, tuple(sorted(request.args.items(multi=True), key=lambda kv: kv[0])))


def time_bucket() -> int:
    """Return the bucket of this request's WIB clock (where_when.now(), read once)."""
    return int(where_when.now().timestamp()) // int(current_app.config["HTTP_CACHE_CLOCK_MAX_AGE"])


def data_version() -> tuple:
    """Return (newest change-log id, newest and count of vocabulary additions): one query.

    Plain SQL on a pooled connection of its own: the session's transaction set-up and the
    ORM's statement machinery cost three times the query on this path (measured).
    """
    changes, additions = ChangeEntry.__tablename__, VocabularyAddition.__tablename__
    with db.engine.connect() as connection:
        return tuple(connection.exec_driver_sql(
            f"SELECT (SELECT max(id) FROM {changes}), (SELECT max(id) FROM {additions}), "
            f"(SELECT count(*) FROM {additions})").one())


def remember_search(searched: SearchRequest, page: SearchPage) -> None:
    """Called by the view: what the answer it is making was made from."""
    g.answer_source = (searched, page)


def _still_current(entry: Entry) -> bool:
    # The additions in entry.request are current: data_version() said the table is unchanged.
    # Asked of the index caught up with the log: an answer made while it lagged (busy, or
    # another process applying) is not served once the index has the change.
    return services.searchable().search(
        replace(entry.request, now=where_when.now())) is entry.page


def _served(entry: Entry):
    response = current_app.response_class(entry.body, mimetype="application/json")
    response.set_etag(entry.etag)
    return response


def cached_answer(view):
    """Serve the view's answer from the cache while it is current; keep a fresh one."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        cache = answer_cache()
        if cache is None:
            return view(*args, **kwargs)
        key, bucket, version = canonical_key(), time_bucket(), data_version()
        entry = cache.get(key)
        if (entry is not None and entry.bucket == bucket and entry.version == version
                and _still_current(entry)):
            services.log_search(entry.request, entry.page)  # a served answer counts too
            return _served(entry)
        response = view(*args, **kwargs)
        source = g.pop("answer_source", None)
        if source is not None and response.status_code == 200 and not response.is_streamed:
            response.add_etag()  # the same tag the after-request hook would give it
            etag, _ = response.get_etag()
            cache.put(key, Entry(request=source[0], page=source[1], version=version,
                                 bucket=bucket, body=response.get_data(), etag=etag))
        return response

    return wrapper
