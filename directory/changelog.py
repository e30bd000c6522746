"""The change log: one row per business created, changed, deleted or restored, in order.

Written by a session hook in the same transaction as the write itself, whichever path
writes (staff API, staff page, CLI and upload imports, soft delete and restore), so no path
can forget it and a rolled-back write leaves no entry. Its integer id is the cursor of
GET /api/v1/changes and the outbox every search index follows (follow.py). Ids are in commit
order, so a reader who saw entry n never misses a smaller one committed later.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, event, func, insert, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Business, Feature, Photo, db, utcnow

CREATED, CHANGED, DELETED, RESTORED = "created", "changed", "deleted", "restored"
KINDS = (CREATED, CHANGED, DELETED, RESTORED)
# When one transaction does several things to a business, its entry says the strongest.
_RANK = {CHANGED: 0, RESTORED: 1, DELETED: 1, CREATED: 2}
_BOOKKEEPING = {"updated_at"}
_PENDING = "change_log_pending"  # session.info: (business, kind) seen by before_flush
_LOGGED = "change_log_logged"  # session.info: business id -> kind written this transaction
_ORDERED = "change_log_ordered"  # session.info: this transaction holds the log's lock
CHANNEL = "change_log"  # PostgreSQL NOTIFY channel: an entry was committed
# PostgreSQL hands out serial ids before commit: without this lock, id 10 could commit
# before id 9 and a reader at 10 would skip 9 for ever. Held from a business write's first
# flush to its commit (SQLite's one writer gives the same order by itself).
_LOG_LOCK = 0x6368616E6765  # pg_advisory_xact_lock key ("change")


class ChangeEntry(db.Model):
    __tablename__ = "change_log"
    # AUTOINCREMENT: SQLite never reuses an id, so a cursor never points at a later entry.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)  # the cursor: monotonic
    business_id: Mapped[int] = mapped_column(index=True)  # no foreign key: outlives a purge
    slug: Mapped[str]  # the slug at the time of the change (a tombstone's only name)
    kind: Mapped[str]  # created, changed, deleted or restored
    at: Mapped[datetime] = mapped_column(default=utcnow)


def _business_kind(business: Business) -> str | None:
    state = inspect(business)
    if state.pending:
        return CREATED
    # A bare touch of updated_at (the staff page saving an unchanged form) is no change.
    if not any(attr.history.has_changes() for attr in state.attrs
               if attr.key not in _BOOKKEEPING):
        return None
    history = state.attrs.deleted_at.history
    if history.has_changes():
        was_deleted = any(v is not None for v in history.deleted)
        if business.deleted_at is not None and not was_deleted:
            return DELETED
        if business.deleted_at is None and was_deleted:
            return RESTORED
    # A business deleted before and still deleted: the public sees nothing change.
    return None if business.deleted_at is not None else CHANGED


def _feature_business(session: Session, feature: Feature) -> Business | None:
    if feature.business is not None:
        return feature.business
    if feature.business_id is not None:
        return session.get(Business, feature.business_id)
    # Removed from its business's collection: the history still names the business.
    removed = inspect(feature).attrs.business.history.deleted
    return removed[0] if removed else None


def _before_flush(session: Session, _context, _instances) -> None:
    pending = session.info.setdefault(_PENDING, [])
    with session.no_autoflush:
        for business in [o for o in session.new if isinstance(o, Business)]:
            pending.append((business, CREATED))
        for business in [o for o in session.dirty if isinstance(o, Business)]:
            kind = _business_kind(business)
            if kind:
                pending.append((business, kind))
        for business in [o for o in session.deleted if isinstance(o, Business)]:
            pending.append((business, DELETED))
        # An appearance or a photo changes what the public sees of its business.
        touched = [o for o in (*session.new, *session.dirty, *session.deleted)
                   if isinstance(o, Feature | Photo)]
        for feature in touched:
            if feature in session.dirty and not session.is_modified(feature):
                continue
            business = _feature_business(session, feature)
            if business is not None and (inspect(business).pending
                                         or business.deleted_at is None):
                pending.append((business, CREATED if inspect(business).pending else CHANGED))
        if pending and not session.info.get(_ORDERED):
            _take_log_lock(session)


def _take_log_lock(session: Session) -> None:
    # Before this flush writes a business row: taken after a row lock, it could deadlock.
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOG_LOCK})
    session.info[_ORDERED] = True


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    logged = session.info.setdefault(_LOGGED, {})
    strongest: dict[int, tuple[Business, str]] = {}
    for business, kind in pending:
        known = strongest.get(business.id)
        if known is None or _RANK[kind] > _RANK[known[1]]:
            strongest[business.id] = (business, kind)
    rows, now = [], utcnow()
    for business_id, (business, kind) in strongest.items():
        before = logged.get(business_id)
        # Created then changed in one transaction is one "created"; a delete then restore
        # in one transaction is logged as both, in order.
        if before == kind or (before == CREATED and kind == CHANGED):
            continue
        logged[business_id] = kind
        rows.append({"business_id": business_id, "slug": business.slug, "kind": kind,
                     "at": now})
    if rows:
        connection = session.connection()
        connection.execute(insert(ChangeEntry.__table__), rows)
        if connection.dialect.name == "postgresql":  # delivered at commit, never before
            connection.execute(text(f"NOTIFY {CHANNEL}"))


def _forget(session: Session, *_args) -> None:
    for key in (_PENDING, _LOGGED, _ORDERED):
        session.info.pop(key, None)


def listen() -> None:
    """Hook every SQLAlchemy session (once): the log cannot be bypassed by a new path."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_rollback", _forget)


def entries_since(cursor: int, limit: int) -> list[ChangeEntry]:
    """Return up to `limit` entries after `cursor`, oldest first."""
    return list(db.session.scalars(select(ChangeEntry).where(ChangeEntry.id > cursor)
                                   .order_by(ChangeEntry.id).limit(limit)))


def latest_cursor() -> int:
    return db.session.scalar(select(func.max(ChangeEntry.id))) or 0


def latest_change_at() -> datetime | None:
    return db.session.scalar(select(func.max(ChangeEntry.at)))


def prune(keep_days: float, forget_after_days: float) -> int:
    """Delete entries a later entry of the same business supersedes; return how many.

    Only entries older than `keep_days` and behind every index seen within
    `forget_after_days` (an index gone longer would rebuild anyway). The latest entry of
    each business always stays: the feed read from 0 still gives the whole directory, and a
    reader at any older cursor still meets every business changed since (as it is now).
    """
    from .follow import IndexRegistration  # here: follow imports this module

    now = utcnow()
    horizon = db.session.scalar(select(func.min(IndexRegistration.position)).where(
        IndexRegistration.seen_at >= now - timedelta(days=forget_after_days)))
    if not horizon:
        return 0
    later = ChangeEntry.__table__.alias("later")
    superseded = (select(later.c.id).where(later.c.business_id == ChangeEntry.business_id,
                                           later.c.id > ChangeEntry.id).exists())
    result = db.session.execute(delete(ChangeEntry).where(
        ChangeEntry.id <= horizon, ChangeEntry.at < now - timedelta(days=keep_days),
        superseded).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def backfill() -> int:
    """Log every live business as created when the log is empty (a database older than it).

    Without this an app starting from cursor 0 would never hear of those businesses.
    """
    if db.session.scalar(select(func.count(ChangeEntry.id))):
        return 0
    rows = [{"business_id": b.id, "slug": b.slug, "kind": CREATED, "at": b.created_at}
            for b in db.session.execute(select(Business.id, Business.slug, Business.created_at)
                                        .where(Business.deleted_at.is_(None))
                                        .order_by(Business.id))]
    if rows:
        db.session.execute(insert(ChangeEntry.__table__), rows)
        db.session.commit()
    return len(rows)
