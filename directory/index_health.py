"""Compare the search index with the database and mend it: `flask check-index [--repair]`.

Also lists where every registered index (one per machine) stands in the change log.
"""

import logging
from dataclasses import dataclass

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from . import changelog, follow, services
from .models import Business, db
from .search import BuildRunning, IndexUnavailable, get_index

log = logging.getLogger(__name__)


@dataclass
class IndexHealth:
    missing: set[int]  # live in the database, absent from the index
    extra: set[int]  # in the index, not live in the database (deleted or gone)
    stale: set[int]  # in both, but the index holds another slug or name
    swept: list[str]  # leftover releases removed
    unreadable: str | None = None  # why the live index cannot be read (deleted, damaged)
    rebuilt: int | None = None  # businesses indexed by a repair that rebuilt it whole

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale or self.unreadable)


def check(repair: bool = False) -> IndexHealth:
    """Return what differs between database and index; re-index those ids when `repair`."""
    index = get_index()
    swept = index.sweep()
    if repair:
        try:
            follow.catch_up(follow.current_wait())  # what the log says first, then the rest
        except IndexUnavailable:
            pass  # rebuilt from the database below
    live = {row.id: (row.slug, row.name) for row in db.session.execute(
        select(Business.id, Business.slug, Business.name).where(Business.deleted_at.is_(None)))}
    try:
        indexed = index.stored_fields()
    except IndexUnavailable as error:
        log.error("search index unavailable: %s", error)
        if not repair:
            return IndexHealth(missing=set(live), extra=set(), stale=set(), swept=swept,
                               unreadable=str(error))
        # Nothing to compare with: build the whole index again from the database.
        return IndexHealth(missing=set(), extra=set(), stale=set(), swept=swept,
                           unreadable=str(error), rebuilt=services.reindex())
    health = IndexHealth(
        missing=set(live) - set(indexed), extra=set(indexed) - set(live),
        stale={i for i in set(live) & set(indexed) if live[i] != indexed[i]}, swept=swept)
    if repair and not health.ok:
        follow.refresh(health.missing | health.extra | health.stale)
    return health


def positions() -> tuple[int, list[tuple[str, int, str, bool]]]:
    """Return the log's last entry and (index, position, last seen, this one) per index."""
    this = follow.index_id()
    return changelog.latest_cursor(), [
        (r.index_id, r.position, r.seen_at.strftime("%Y-%m-%d %H:%M:%S"), r.index_id == this)
        for r in follow.registrations()]


@click.command("check-index")
@click.option("--repair", is_flag=True, help="Re-index every business that differs.")
@with_appcontext
def check_index_command(repair: bool):
    """Compare the search index with the database; with --repair, mend the differences."""
    try:
        health = check(repair)
    except BuildRunning as error:
        raise click.ClickException("a reindex is running; it rebuilds the index, "
                                   "check again when it is done") from error
    for name in health.swept:
        click.echo(f"removed leftover release {name}")
    latest, indexes = positions()
    click.echo(f"Change log: last entry {latest}; this index holds {get_index().position()}.")
    for name, position, seen, this in indexes:
        behind = f"{latest - position} behind" if position < latest else "up to date"
        click.echo(f"  index {name}{' (this one)' if this else ''}: at {position}, {behind}, "
                   f"last seen {seen} UTC")
    if health.unreadable:
        click.echo(f"The search index cannot be read: {health.unreadable}")
        if health.rebuilt is None:
            click.echo("Search answers 503 until it is rebuilt: the running app starts that "
                       "on the next search; or run `flask check-index --repair`.")
            raise SystemExit(1)
        click.echo(f"Rebuilt it from the database: {health.rebuilt} businesses.")
        health = check()
    for label, ids in (("missing from the index", health.missing),
                       ("in the index but not live", health.extra),
                       ("out of date in the index", health.stale)):
        if ids:
            shown = ", ".join(str(i) for i in sorted(ids)[:20])
            click.echo(f"{len(ids)} {label}: {shown}{' ...' if len(ids) > 20 else ''}")
    if health.ok:
        click.echo("Index and database agree.")
    elif repair:
        after = check()
        click.echo("Repaired." if after.ok else "Still differs after repair.")
        if not after.ok:
            raise SystemExit(1)
    else:
        raise SystemExit(1)


def init_app(app) -> None:
    app.cli.add_command(check_index_command)
