"""What citizens search for, counted per day and nothing else (docs/privacy.md).

A search adds one to a counter in memory; a background flush adds the counters to the
database, so logging never slows or fails a search. Kept per day and normalised query:
the number of searches, by result bucket (0, 1-4, 5+), with or without a filter, with or
without the typo / did-you-mean stage. No address, cookie, user agent or time of day is
ever seen here. Queries that look like a phone number, an e-mail or an NIK are dropped.
A query seen fewer than QUERY_LOG_MIN_COUNT times in a day is never listed and, once
the day is over, only its share of the day's totals is kept.
"""

import logging
import re
import threading
import unicodedata
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Date, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .models import db

log = logging.getLogger(__name__)

WIB = ZoneInfo("Asia/Jakarta")
BUCKETS = ("0", "1-4", "5+")
MAX_QUERY_LENGTH = 100  # longer texts are pasted paragraphs, not searches worth listing
MAX_PENDING = 10_000  # distinct keys kept in memory while the database is unreachable

_EMAIL = re.compile(r"\S+@\S+\.\S+")
# A phone number: eight or more digits, however spaced or dashed (+62 812-3456-7890).
_PHONE = re.compile(r"(?:\+?\d[\s.\-]*){8,}")
_NIK = re.compile(r"\d{16}")
_NOT_WORD = re.compile(r"[^\w\s-]+")


class SearchDay(db.Model):
    """Every search of a day, counted without its text: the aggregate that is always kept."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    searches: Mapped[int] = mapped_column(default=0)
    zero_results: Mapped[int] = mapped_column(default=0)
    filtered: Mapped[int] = mapped_column(default=0)
    corrected: Mapped[int] = mapped_column(default=0)


class QueryDay(db.Model):
    """One normalised query on one day, split by how its searches went."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    query: Mapped[str] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(primary_key=True)  # "0", "1-4", "5+"
    filtered: Mapped[bool] = mapped_column(primary_key=True)
    corrected: Mapped[bool] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


def normalise(text: str) -> str:
    """Return the query as it is counted: "  Keripik  TÉMPE!" -> "keripik tempe".

    Lowercase, accents folded, punctuation dropped, words kept in the order typed.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", folded).split())[:MAX_QUERY_LENGTH]


def is_private(text: str) -> bool:
    """True for a query that may identify a person: a phone number, an e-mail, an NIK."""
    compact = re.sub(r"[\s.\-]", "", text)
    return bool(_EMAIL.search(text) or _PHONE.search(text) or _NIK.search(compact))


def bucket(total: int) -> str:
    return "0" if total == 0 else "1-4" if total < 5 else "5+"


def today() -> date:
    """The citizen's day: Kota Malang is in WIB whatever the server's zone."""
    return datetime.now(WIB).date()


class _Pending:
    """Counters not yet in the database, shared by the threads of one process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter = Counter()
        self.scheduled = False  # a timer will flush the counters

    def take(self) -> Counter:
        with self.lock:
            taken, self.counts = self.counts, Counter()
            return taken

    def give_back(self, counts: Counter) -> None:
        with self.lock:
            if len(self.counts) + len(counts) <= MAX_PENDING:
                self.counts.update(counts)


def _pending() -> _Pending:
    """This app's counters (tests build many apps in one process; each has its own)."""
    return current_app.extensions["querylog"]


def record(text: str, total: int, *, filtered: bool, corrected: bool) -> None:
    """Count one search; never raises (a search must not fail because of its log)."""
    try:
        config = current_app.config
        if not config["LOG_QUERIES"]:
            return
        query = normalise(text)
        if not query or is_private(text):
            return
        pending = _pending()
        with pending.lock:
            if len(pending.counts) < MAX_PENDING:
                pending.counts[(today(), query, bucket(total), filtered, corrected)] += 1
            schedule = not pending.scheduled
            pending.scheduled = True
        if schedule:
            # One timer per batch: the counters reach the database within the flush
            # interval of the first search, whether or not another search follows.
            timer = threading.Timer(config["QUERY_LOG_FLUSH_SECONDS"], _flush_in_background,
                                    args=(current_app._get_current_object(),))
            timer.daemon = True
            timer.start()
    except Exception:  # noqa: BLE001 - logging is best effort by design
        log.exception("query log: a search was not counted")


def _flush_in_background(app) -> None:
    app.extensions["querylog"].scheduled = False  # searches from now on start a new timer
    try:
        with app.app_context():
            flush()
    except Exception:  # noqa: BLE001 - flush() logs its own failures; this is the context
        log.exception("query log: flush failed")


def flush() -> int:
    """Add the pending counters to the database; return how many keys were written.

    On failure the counters are kept for the next flush (up to MAX_PENDING keys) and the
    error is logged, never raised.
    """
    pending = _pending()
    counts = pending.take()
    if not counts:
        return 0
    try:
        _write(counts)
        _tidy(current_app.config)
        db.session.commit()
    except Exception:  # noqa: BLE001
        db.session.rollback()
        pending.give_back(counts)
        log.exception("query log: %d counters not written, kept for the next flush",
                      len(counts))
        return 0
    return len(counts)


def _write(counts: Counter) -> None:
    days: dict[date, Counter] = {}
    for (day, query, result_bucket, filtered, corrected), n in counts.items():
        row = db.session.get(QueryDay, (day, query, result_bucket, filtered, corrected))
        if row is None:
            db.session.add(QueryDay(day=day, query=query, bucket=result_bucket,
                                    filtered=filtered, corrected=corrected, count=n))
        else:
            row.count += n
        totals = days.setdefault(day, Counter())
        totals["searches"] += n
        totals["zero_results"] += n if result_bucket == "0" else 0
        totals["filtered"] += n if filtered else 0
        totals["corrected"] += n if corrected else 0
    for day, totals in days.items():
        row = db.session.get(SearchDay, day) or SearchDay(
            day=day, searches=0, zero_results=0, filtered=0, corrected=0)
        db.session.add(row)
        for name, n in totals.items():
            setattr(row, name, getattr(row, name) + n)


def _tidy(config) -> None:
    """Forget what may no longer be kept: rare queries of past days, days past retention."""
    oldest = today() - timedelta(days=config["QUERY_LOG_DAYS"])
    db.session.execute(delete(QueryDay).where(QueryDay.day < oldest))
    db.session.execute(delete(SearchDay).where(SearchDay.day < oldest))
    per_day = (select(QueryDay.day, QueryDay.query)
               .where(QueryDay.day < today())
               .group_by(QueryDay.day, QueryDay.query)
               .having(func.sum(QueryDay.count) < config["QUERY_LOG_MIN_COUNT"]))
    for day, query in db.session.execute(per_day).all():
        db.session.execute(delete(QueryDay).where(QueryDay.day == day, QueryDay.query == query))


def _listable(start: date, end: date, min_count: int):
    """(day, query) pairs seen at least `min_count` times that day, within [start, end]."""
    return (select(QueryDay.day, QueryDay.query)
            .where(QueryDay.day.between(start, end))
            .group_by(QueryDay.day, QueryDay.query)
            .having(func.sum(QueryDay.count) >= min_count)).subquery()


def min_count() -> int:
    return current_app.config["QUERY_LOG_MIN_COUNT"]


def top_queries(start: date, end: date, *, zero_only: bool = False,
                limit: int = 50) -> list[dict]:
    """Return the most searched listable queries of [start, end], with the period before.

    `zero_only` keeps the searches that found nothing. Each item: query, searches,
    zero_results, previous (the same count over the equally long period before).
    """
    min_count = current_app.config["QUERY_LOG_MIN_COUNT"]

    def counts(first: date, last: date) -> dict[str, tuple[int, int]]:
        ok = _listable(first, last, min_count)
        zero = func.sum(func.coalesce(
            (QueryDay.bucket == "0").cast(db.Integer) * QueryDay.count, 0))
        rows = db.session.execute(
            select(QueryDay.query, func.sum(QueryDay.count), zero)
            .join(ok, (ok.c.day == QueryDay.day) & (ok.c.query == QueryDay.query))
            .group_by(QueryDay.query))
        return {query: (int(total), int(zeros or 0)) for query, total, zeros in rows}

    length = (end - start).days + 1
    now = counts(start, end)
    before = counts(start - timedelta(days=length), start - timedelta(days=1))
    items = []
    for query, (total, zeros) in now.items():
        if zero_only and zeros == 0:
            continue
        shown = zeros if zero_only else total
        previous = before.get(query, (0, 0))[1 if zero_only else 0]
        items.append({"query": query, "searches": shown, "zero_results": zeros,
                      "previous": previous})
    items.sort(key=lambda item: (-item["searches"], item["query"]))
    return items[:limit]


def totals(start: date, end: date) -> dict:
    """Return the day aggregates summed over [start, end] (every search, listed or not)."""
    row = db.session.execute(
        select(func.coalesce(func.sum(SearchDay.searches), 0),
               func.coalesce(func.sum(SearchDay.zero_results), 0),
               func.coalesce(func.sum(SearchDay.filtered), 0),
               func.coalesce(func.sum(SearchDay.corrected), 0))
        .where(SearchDay.day.between(start, end))).one()
    return dict(zip(("searches", "zero_results", "filtered", "corrected"),
                    (int(v) for v in row), strict=True))


def init_app(app) -> None:
    import atexit

    app.extensions["querylog"] = _Pending()

    def _flush_at_exit():
        try:
            with app.app_context():
                flush()
        except Exception:  # noqa: BLE001 - the process is ending; nothing to tell
            pass

    if not app.testing:
        atexit.register(_flush_at_exit)


def searched_words(start: date, end: date, stopwords: frozenset[str],
                   limit: int = 300) -> list[dict]:
    """Return the words of the listable queries of [start, end], most searched first.

    Each item: word, searches (searches whose query holds it), examples (up to three such
    queries, most searched first). Words from 3 letters on that are not stopwords.
    """
    ok = _listable(start, end, min_count())
    rows = db.session.execute(
        select(QueryDay.query, func.sum(QueryDay.count))
        .join(ok, (ok.c.day == QueryDay.day) & (ok.c.query == QueryDay.query))
        .group_by(QueryDay.query))
    words: dict[str, dict] = {}
    for query, count in rows:
        for word in dict.fromkeys(query.split()):
            if len(word) < 3 or word in stopwords:
                continue
            item = words.setdefault(word, {"word": word, "searches": 0, "examples": []})
            item["searches"] += int(count)
            item["examples"].append((int(count), query))
    for item in words.values():
        item["examples"] = [q for _, q in sorted(item["examples"], key=lambda e: (-e[0], e[1]))[:3]]
    return sorted(words.values(), key=lambda item: (-item["searches"], item["word"]))[:limit]
