"""The change log: one row per business created, changed, deleted or restored, in order.

Written by a session hook in the same transaction as the write itself, whichever path
writes (staff API, staff page, CLI and upload imports, soft delete and restore), so no path
can forget it and a rolled-back write leaves no entry. Its integer id is the cursor of
GET /api/v1/changes; it is meant to become the outbox the search index follows.
"""

from datetime import datetime

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Business, Feature, Photo, db, utcnow

CREATED, CHANGED, DELETED, RESTORED = "created", "changed", "deleted", "restored"
KINDS = (CREATED, CHANGED, DELETED, RESTORED)
# When one transaction does several things to a business, its entry says the strongest.
_RANK = {CHANGED: 0, RESTORED: 1, DELETED: 1, CREATED: 2}
_BOOKKEEPING = {"updated_at"}
_PENDING = "change_log_pending"  # session.info: (business, kind) seen by before_flush
_LOGGED = "change_log_logged"  # session.info: business id -> kind written this transaction


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
        session.connection().execute(insert(ChangeEntry.__table__), rows)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_LOGGED, None)


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
