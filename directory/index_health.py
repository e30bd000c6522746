"""Compare the search index with the database and mend it: `flask check-index [--repair]`."""

from dataclasses import dataclass

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from . import services
from .models import Business, db
from .search import get_index


@dataclass
class IndexHealth:
    missing: set[int]  # live in the database, absent from the index
    extra: set[int]  # in the index, not live in the database (deleted or gone)
    stale: set[int]  # in both, but the index holds another slug or name
    swept: list[str]  # leftover releases removed

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def check(repair: bool = False) -> IndexHealth:
    """Return what differs between database and index; re-index those ids when `repair`."""
    index = get_index()
    swept = index.sweep()
    live = {row.id: (row.slug, row.name) for row in db.session.execute(
        select(Business.id, Business.slug, Business.name).where(Business.deleted_at.is_(None)))}
    indexed = index.stored_fields()
    health = IndexHealth(
        missing=set(live) - set(indexed), extra=set(indexed) - set(live),
        stale={i for i in set(live) & set(indexed) if live[i] != indexed[i]}, swept=swept)
    if repair and not health.ok:
        services.index_businesses(health.missing | health.extra | health.stale)
    return health


@click.command("check-index")
@click.option("--repair", is_flag=True, help="Re-index every business that differs.")
@with_appcontext
def check_index_command(repair: bool):
    """Compare the search index with the database; with --repair, mend the differences."""
    health = check(repair)
    for name in health.swept:
        click.echo(f"removed leftover release {name}")
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
