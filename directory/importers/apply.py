"""Apply validated rows to the database and count what changed.

Idempotent: an appearance is identified by (slug, rubric, featured_on); the row with the
latest featured_on gives a business's details.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..messages import Message, Note
from ..models import Business, Feature, db
from .rows import ImportRow, RowError

CHUNK = 500  # SQLite caps the number of bound parameters in one IN (...)


@dataclass
class ImportReport:
    rows: int = 0
    new_businesses: int = 0
    new_features: int = 0
    updated_businesses: int = 0
    updated_features: int = 0
    unchanged_rows: int = 0
    new_photos: int = 0
    # Counted per row, not per distinct error line: rows of a one-line JSON share a line.
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    dry_run: bool = False
    changed_ids: set[int] = field(default_factory=set)
    # {"slug", "name"} of the businesses the import creates, and of those it changes
    # (details or appearances), in the file's order.
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)

    def summary(self) -> str:
        prefix = "Dry run, nothing written: would add" if self.dry_run else "Added"
        return (
            f"{prefix} {self.new_businesses} new businesses and {self.new_features} new "
            f"appearances; updated {self.updated_businesses} businesses and "
            f"{self.updated_features} appearances; "
            + (f"added {self.new_photos} photos; " if self.new_photos else "")
            + f"{self.unchanged_rows} rows unchanged; "
            f"skipped {self.skipped} of {self.rows} rows."
        )


def _existing(slugs: list[str]) -> dict[str, Business]:
    found = {}
    for start in range(0, len(slugs), CHUNK):
        statement = (select(Business).where(Business.slug.in_(slugs[start:start + CHUNK]))
                     .options(selectinload(Business.features)))
        found.update((b.slug, b) for b in db.session.scalars(statement))
    return found


def apply_rows(rows: list[ImportRow], report: ImportReport,
               progress: Callable[[int], None] | None = None) -> dict[str, Business]:
    """Write `rows` into the session (the caller commits or rolls back); return them by slug."""
    by_slug: dict[str, list[ImportRow]] = {}
    for row in rows:
        by_slug.setdefault(row.slug, []).append(row)
    existing = _existing(list(by_slug))
    changed_businesses, written = [], {}
    for slug, group in by_slug.items():
        business = existing.get(slug)
        if business is not None and business.deleted_at is not None:
            for row in group:
                report.errors.append(RowError(row.line, "slug",
                                              Message("deleted", {"value": slug}),
                                              row.slug_column))
            report.skipped += len(group)
            if progress:
                progress(len(group))
            continue
        latest = max(group, key=lambda r: (r.featured_on, r.line))
        if business is None:
            business = Business(slug=slug, **latest.details())
            db.session.add(business)
            report.new_businesses += 1
            report.created.append({"slug": slug, "name": business.name})
            changed = True
        else:
            stored_latest = max((f.featured_on for f in business.features), default=None)
            changed = _update_details(business, latest, stored_latest)
            report.updated_businesses += changed
        new = business.id is None
        changed |= _apply_features(business, group, report)
        written[slug] = business
        if changed:
            changed_businesses.append(business)
            if not new:
                report.updated.append({"slug": slug, "name": business.name})
        if progress:
            progress(len(group))
    db.session.flush()  # once: new businesses get their ids here
    report.changed_ids.update(business.id for business in changed_businesses)
    return written


def _update_details(business: Business, latest: ImportRow, stored_latest) -> bool:
    # An older file must not undo details given by a newer appearance.
    if stored_latest is not None and latest.featured_on < stored_latest:
        return False
    changed = False
    for name, value in latest.details().items():
        if getattr(business, name) != value:
            setattr(business, name, value)
            changed = True
    return changed


def _apply_features(business: Business, group: list[ImportRow], report: ImportReport) -> bool:
    known = {(f.rubric_slug, f.featured_on): f for f in business.features}
    changed = False
    for row in group:
        feature = known.get((row.rubric, row.featured_on))
        if feature is None:
            feature = Feature(rubric_slug=row.rubric, featured_on=row.featured_on,
                              post_url=row.post_url, reach=row.reach)
            business.features.append(feature)
            known[(row.rubric, row.featured_on)] = feature
            report.new_features += 1
            changed = True
        elif (row.post_url, row.reach) != (feature.post_url, feature.reach) and (
            row.post_url or row.reach is not None
        ):
            feature.post_url = row.post_url or feature.post_url
            feature.reach = row.reach if row.reach is not None else feature.reach
            report.updated_features += 1
            changed = True
        else:
            report.unchanged_rows += 1
    return changed
