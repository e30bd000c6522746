"""`flask --app directory import-instagram PATH... [--dry-run]`: posts -> drafts for review."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from . import archive, drafts


def describe(summary: dict, dry_run: bool) -> str:
    head = "Dry run, nothing written: would propose" if dry_run else "Proposed"
    return (f"{head} {summary['drafts']} drafts ({summary['matches']} matching a business "
            f"already in the directory) from {summary['posts']} posts; "
            f"{summary['skipped_no_rubric']} without a rubric hashtag skipped, "
            f"{summary['already_imported']} imported before.")


@click.command("import-instagram")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would be proposed; write nothing.")
@with_appcontext
def import_instagram_command(paths: tuple[Path, ...], dry_run: bool):
    """Read an Instagram archive ZIP and/or saved media listings into drafts for staff."""
    try:
        posts = archive.read_many([(path.read_bytes(), path.name) for path in paths])
    except archive.ArchiveError as error:
        raise click.ClickException(f"nothing imported: {error}") from error
    summary = drafts.import_posts(posts, dry_run=dry_run)
    for title in summary["titles"]:
        click.echo(f"  draft: {title}")
    click.echo(describe(summary, dry_run))
    if not dry_run:
        click.echo("Review them on the staff page (Draf dari Instagram) before anything is public.")
