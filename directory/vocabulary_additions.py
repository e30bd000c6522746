"""Staff's additions to the search vocabulary, kept in the database and audited.

The shipped file (directory/data/search/vocabulary.txt) stays the base; what staff add here
is expanded at query time (search/additions.py), so it works at once, in every worker, with
no reindex. Each worker re-reads the additions when their version (newest id and count)
changes: one small query per search.
"""

import threading
from datetime import datetime

from sqlalchemy import JSON, func, select
from sqlalchemy.orm import Mapped, mapped_column

from . import audit
from .models import db, utcnow
from .search.additions import Additions
from .search.tokens import words

MAX_ENTRIES = 20
MAX_ENTRY_LENGTH = 60


class VocabularyAddition(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str]  # "group" (spellings, synonyms) or "narrower" (broader > narrower)
    broader: Mapped[str | None]  # the broader entry of a "narrower" line
    entries: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def text(self) -> str:
        """The line as vocabulary.txt would hold it."""
        line = ", ".join(self.entries)
        return f"{self.broader} > {line}" if self.kind == "narrower" else line


class InvalidAddition(ValueError):
    """A line staff typed that is not a group or a broader > narrower pair."""


def _entry(text: str) -> str:
    entry = " ".join(text.split()).casefold()
    if not entry or not any(w for w, _, _ in words(entry)):
        raise InvalidAddition("an entry holds no word")
    if len(entry) > MAX_ENTRY_LENGTH:
        raise InvalidAddition(f"an entry is longer than {MAX_ENTRY_LENGTH} characters")
    return entry


def parse(text: str) -> tuple[str, str | None, list[str]]:
    """Read a line as staff write it: "vermak, permak, jahit ulang" (a group) or
    "oleh-oleh > keripik, bakpia" (broader > narrower). Return (kind, broader, entries)."""
    broader, sep, rest = text.partition(">")
    if ">" in rest:
        raise InvalidAddition("use '>' once: broader > narrower, narrower")
    entries = list(dict.fromkeys(_entry(part) for part in (rest if sep else text).split(",")
                                 if part.strip()))
    if len(entries) > MAX_ENTRIES:
        raise InvalidAddition(f"at most {MAX_ENTRIES} entries")
    if sep:
        head = _entry(broader)
        entries = [e for e in entries if e != head]
        if not entries:
            raise InvalidAddition("name at least one narrower entry after '>'")
        return "narrower", head, entries
    if len(entries) < 2:
        raise InvalidAddition("a group needs at least two entries separated by commas")
    return "group", None, entries


def as_additions(rows) -> Additions:
    groups, narrower = [], []
    for row in rows:
        if row.kind == "narrower":
            narrower.append((row.broader, tuple(row.entries)))
        else:
            groups.append(tuple(row.entries))
    return Additions(groups=tuple(groups), narrower=tuple(narrower))


class _Cache:
    """This app's additions and the table version they were read at."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.additions = Additions()


def current() -> Additions:
    """Return every addition in force, re-read only when the table changed."""
    version = tuple(db.session.execute(
        select(func.max(VocabularyAddition.id), func.count(VocabularyAddition.id))).one())
    cache = _cache()
    if version != cache.version:
        rows = db.session.scalars(select(VocabularyAddition).order_by(VocabularyAddition.id))
        with cache.lock:
            cache.additions, cache.version = as_additions(rows), version
    return cache.additions


def _cache() -> _Cache:
    from flask import current_app

    return current_app.extensions.setdefault("vocabulary_additions", _Cache())


def listing() -> list[VocabularyAddition]:
    return list(db.session.scalars(
        select(VocabularyAddition).order_by(VocabularyAddition.id.desc())))


def add(text: str) -> VocabularyAddition:
    """Store one addition with its audit entry (one transaction)."""
    kind, broader, entries = parse(text)
    row = VocabularyAddition(kind=kind, broader=broader, entries=entries,
                             created_by=audit.current_actor())
    db.session.add(row)
    db.session.flush()
    audit.record("vocabulary.create", row.text, after=_snapshot(row))
    db.session.commit()
    return row


def remove(row: VocabularyAddition) -> None:
    audit.record("vocabulary.delete", row.text, before=_snapshot(row))
    db.session.delete(row)
    db.session.commit()


def _snapshot(row: VocabularyAddition) -> dict:
    return {"id": row.id, "kind": row.kind, "broader": row.broader, "entries": row.entries}


def init_app(app) -> None:
    app.extensions["vocabulary_additions"] = _Cache()
