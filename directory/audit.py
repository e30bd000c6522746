"""The audit log: who changed what, when, with the record before and after.

Entries are added to the same database transaction as the change they describe.
"""

from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import JSON, func, select
from sqlalchemy.orm import Mapped, mapped_column

from .models import db, utcnow


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str]  # the token's name, or "cli"
    action: Mapped[str] = mapped_column(index=True)  # business.update, import, reindex, ...
    target: Mapped[str | None] = mapped_column(index=True)  # business slug, feature id, file
    before: Mapped[dict | None] = mapped_column(JSON, default=None)
    after: Mapped[dict | None] = mapped_column(JSON, default=None)


def current_actor() -> str:
    """Return the staff token's name in a request, "cli" elsewhere."""
    if has_request_context():
        return getattr(g, "staff", None) or "cli"
    return "cli"


def record(action: str, target: str | None, before: dict | None = None,
           after: dict | None = None, actor: str | None = None) -> AuditEntry:
    """Add an entry to the session; it commits with the change it describes."""
    entry = AuditEntry(actor=actor or current_actor(), action=action, target=target,
                       before=before, after=after)
    db.session.add(entry)
    return entry


def page(number: int, per_page: int, action: str | None = None,
         target: str | None = None) -> tuple[list[AuditEntry], int]:
    """Return one page of entries, newest first, and their total."""
    statement = select(AuditEntry)
    if action:
        statement = statement.where(AuditEntry.action == action)
    if target:
        statement = statement.where(AuditEntry.target == target)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(statement.order_by(AuditEntry.id.desc())
                              .limit(per_page).offset((number - 1) * per_page))
    return list(rows), total
