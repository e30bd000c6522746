"""Staff and operator commands: init-db, seed, import, reindex."""

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext
from tqdm import tqdm

from . import changelog, follow, sample, services
from .importers import ImportFileError
from .models import db
from .reference_tables import load_reference_data
from .schema_upgrade import add_missing_columns
from .search import BuildRunning, IndexDiskFull, get_index


@contextmanager
def progress_bar(total: int, unit: str):
    """Yield an update callback; a bar on a terminal, silent otherwise."""
    with tqdm(total=total, unit=unit, file=sys.stderr, disable=None, leave=False) as bar:
        yield bar.update


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the tables and load the reference data; safe to run again."""
    db.create_all()
    if added := add_missing_columns(db.engine, db.metadata):
        click.echo("Database upgraded: added " + ", ".join(added) + ".")
    counts = load_reference_data()
    index = get_index()
    index.sweep()
    click.echo("Database ready: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".")
    if backfilled := changelog.backfill():
        click.echo(f"Change log started: {backfilled} businesses logged as created.")
    # An index written by an older version (other fields or analysis) is rebuilt here, so
    # upgrading needs no extra step.
    if not index.exists():
        click.echo(f"Search index created: {services.reindex()} businesses.")
    elif not index.is_current():
        click.echo(f"Search index rebuilt: {services.reindex()} businesses.")
    elif applied := follow.catch_up(follow.WRITE_WAIT):
        click.echo(f"Search index: {applied} changes of the change log applied.")


@click.command("prune-changes")
@with_appcontext
def prune_changes_command():
    """Delete change-log entries superseded long ago and passed by every index."""
    from flask import current_app

    removed = changelog.prune(current_app.config["CHANGE_LOG_KEEP_DAYS"],
                              current_app.config["INDEX_FORGET_AFTER_DAYS"])
    click.echo(f"Removed {removed} superseded change-log entries.")


def _print_report(report) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(str(error), err=True)
    if report.dry_run:
        for label, businesses in (("would create", report.created),
                                  ("would update", report.updated)):
            for business in businesses:
                click.echo(f"{label}: {business['name']} ({business['slug']})")
    click.echo(report.summary())


def _import(path: Path, dry_run: bool) -> None:
    with progress_bar(services.count_import_rows(path), "rows") as update:
        # A large file is indexed by a parallel rebuild: the CLI is single-threaded.
        procs = services.build_processes(services.count_import_rows(path))
        report = services.import_file(path, dry_run=dry_run, progress=update, procs=procs)
    _print_report(report)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool):
    """Import a staff CSV or JSON file of appearances (see the README for the format)."""
    try:
        _import(path, dry_run)
    except ImportFileError as error:
        message = f"{path.name} was not imported, nothing changed: {error}"
        raise click.ClickException(message) from error


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Only when the directory has no business.")
@with_appcontext
def seed_command(if_empty: bool):
    """Load the fictional sample businesses (through the importer)."""
    if if_empty and services.count_live() > 0:
        click.echo("The directory already has businesses; sample data not loaded.")
        return
    _print_report(services.import_bytes(sample.sample_sheet(), "sample.csv"))
    click.echo(f"Added {sample.add_sample_photos()} illustrative photos (drawn, not real).")


@click.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the search index from the database beside the live one, then swap it in."""
    try:
        with progress_bar(services.count_live(), "businesses") as update:
            count = services.reindex(
                progress=update, procs=services.build_processes(services.count_live()))
    except BuildRunning as error:
        raise click.ClickException(f"{error}; the live index is unchanged.") from error
    except IndexDiskFull as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Indexed {count} businesses.")


@click.command("cleanup-photos")
@click.option("--grace", type=float, default=None,
              help="Keep files younger than this many seconds (default: one hour).")
@with_appcontext
def cleanup_photos_command(grace: float | None):
    """Remove photo files that no photo names (left by a failed upload or import)."""
    from . import gallery

    removed = gallery.sweep_orphans(gallery.ORPHAN_GRACE_SECONDS if grace is None else grace)
    click.echo(f"Removed {removed} orphan photo files.")


def init_app(app) -> None:
    from .instagram.cli import import_instagram_command

    for command in (init_db_command, seed_command, import_command, reindex_command,
                    import_instagram_command, cleanup_photos_command, prune_changes_command):
        app.cli.add_command(command)
