"""Staff API tokens: created once by the CLI, stored only as a hash, sent as a Bearer token.

A token is 32 random bytes, so an unsalted sha256 is enough; the lookup is by hash and the
final comparison is constant-time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import click
from flask import g, request
from flask.cli import with_appcontext
from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, mapped_column

from .errors import error_response
from .models import db, utcnow

PREFIX = "umkm_"


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)  # who uses it: shown in the audit log
    token_hash: Mapped[str] = mapped_column(unique=True)  # sha256 hex; the token itself never
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str) -> str:
    """Store a new token for `name` (replacing a revoked one) and return it, the only time."""
    name = name.strip()
    existing = db.session.scalars(select(ApiToken).where(ApiToken.name == name)).first()
    if existing is not None and existing.revoked_at is None:
        raise ValueError(f"a token named {name!r} exists; revoke it first")
    token = PREFIX + secrets.token_urlsafe(32)
    if existing is None:
        existing = ApiToken(name=name, token_hash="")
        db.session.add(existing)
    existing.token_hash, existing.revoked_at = hash_token(token), None
    existing.created_at = utcnow()
    db.session.commit()
    return token


def revoke_token(name: str) -> bool:
    """Revoke `name`'s token; return False when there is no live token by that name."""
    token = db.session.scalars(select(ApiToken).where(ApiToken.name == name,
                                                      ApiToken.revoked_at.is_(None))).first()
    if token is None:
        return False
    token.revoked_at = utcnow()
    db.session.commit()
    return True


def token_name(presented: str) -> str | None:
    """Return the name of the live token `presented`, or None."""
    digest = hash_token(presented)
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.token_hash, digest):
        return None
    _note_use(row)
    return row.name


def _note_use(row: ApiToken) -> None:
    # On its own connection: the request's transaction may roll back, the use happened.
    # At most once a minute per token, so reads don't turn into a stream of writes.
    now = utcnow()
    if row.last_used_at is not None and now - row.last_used_at < timedelta(minutes=1):
        return
    with db.engine.begin() as connection:
        connection.execute(update(ApiToken).where(ApiToken.id == row.id)
                           .values(last_used_at=now))


def require_token():
    """before_request of every admin blueprint: 401 unless a live Bearer token is sent."""
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    name = token_name(presented.strip()) if scheme.lower() == "bearer" and presented else None
    if name is None:
        return error_response(
            401, "A valid staff token is required (Authorization: Bearer <token>).",
            headers={"WWW-Authenticate": 'Bearer realm="staff"'})
    g.staff = name
    return None


@click.command("create-token")
@click.argument("name")
@with_appcontext
def create_token_command(name: str):
    """Create a staff API token for NAME and print it (it is not shown again)."""
    try:
        token = create_token(name)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(token)
    click.echo(f"Token for {name} created; store it now, it cannot be shown again.", err=True)


@click.command("revoke-token")
@click.argument("name")
@with_appcontext
def revoke_token_command(name: str):
    """Revoke NAME's staff API token."""
    if not revoke_token(name):
        raise click.ClickException(f"no live token named {name!r}")
    click.echo(f"Token for {name} revoked.")


@click.command("list-tokens")
@with_appcontext
def list_tokens_command():
    """List the staff tokens: name, created, last used, revoked (never the tokens)."""
    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.name)):
        def when(moment):
            return moment.isoformat(sep=" ", timespec="minutes") if moment else "-"
        state = f"revoked {when(token.revoked_at)}" if token.revoked_at else "live"
        click.echo(f"{token.name}\tcreated {when(token.created_at)}\t"
                   f"last used {when(token.last_used_at)}\t{state}")


def init_app(app) -> None:
    for command in (create_token_command, revoke_token_command, list_tokens_command):
        app.cli.add_command(command)
