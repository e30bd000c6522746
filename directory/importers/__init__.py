"""Staff import: read a CSV, JSON or .zip file, validate every row, apply the good ones.

`run_import` never commits; the service commits, then updates the search index.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ..messages import Message, Note
from .apply import ImportReport, apply_rows
from .archive import Archive, read_zip
from .readers import ImportFileError, RawRow, read_file
from .rows import ImportRow, RowError, validate

__all__ = ["ImportFileError", "ImportReport", "Note", "PhotoSteps", "RowError", "run_import"]


@dataclass(frozen=True)
class PhotoSteps:
    """How photos of a .zip are checked and attached (the service supplies Flask's side).

    `prepare(data, name)` returns a prepared photo or raises ValueError with the reason;
    `attach(business, prepared, dry_run)` returns whether the business gained it.
    """

    prepare: Callable
    attach: Callable


def run_import(data: bytes, filename: str, dry_run: bool = False,
               progress: Callable[[int], None] | None = None,
               photo_steps: PhotoSteps | None = None) -> ImportReport:
    """Validate and apply `data` to the session; raise ImportFileError if unreadable."""
    archive = None
    if filename.lower().endswith(".zip"):
        archive = read_zip(data)
        data, filename = archive.sheet, archive.sheet_name
    raw_rows, warnings = read_file(data, filename)
    report = ImportReport(rows=len(raw_rows), warnings=warnings, dry_run=dry_run)
    good, seen, prepared = [], {}, {}
    for raw in raw_rows:
        row, errors = validate(raw)
        if row is not None and row.photos:
            errors = _prepare_photos(raw, row, archive, photo_steps, prepared, report)
            row = None if errors else row
        if row is None:
            report.errors.extend(errors)
            report.skipped += 1
            if progress:
                progress(1)
        else:
            good.append(row)
            report.warnings.extend(_doubts(raw, row, seen))
    businesses = apply_rows(good, report, progress)
    if photo_steps and prepared:
        _attach_photos(good, businesses, prepared, photo_steps, report)
    report.errors.sort(key=lambda e: e.line)
    return report


def _doubts(raw: RawRow, row: ImportRow, seen: dict) -> list[Note]:
    """Return warnings on a good row: commas between products, a row given twice."""
    notes = []
    products = raw.values.get("products")
    # The format separates products with ";" (DATA-FORMAT.md): commas stay inside one
    # product, as in "keripik tempe, pedas", but staff should know that is how it is read.
    if isinstance(products, str) and "," in products and ";" not in products:
        notes.append(Note(raw.line, "products", Message("products_commas", {"value": products}),
                          raw.header("products")))
    key = (row.slug, row.rubric, row.featured_on)
    if key in seen:
        notes.append(Note(raw.line, "row", Message("duplicate_row", {"first": seen[key]})))
    else:
        seen[key] = raw.line
    return notes


def _prepare_photos(raw: RawRow, row: ImportRow, archive: Archive | None,
                    steps: PhotoSteps | None, prepared: dict,
                    report: ImportReport) -> list[RowError]:
    """Check every photo a row names; return its errors (the row is skipped if any)."""
    column = raw.header("photos")
    if archive is None or steps is None:
        if not any(note.message.code == "photos_outside_zip" for note in report.warnings):
            report.warnings.append(Note(None, "photos", Message("photos_outside_zip"), column))
        return []
    errors = []
    for name in row.photos:
        if name in prepared:
            continue
        content = archive.find(name)
        if content is None:
            errors.append(RowError(row.line, "photos", Message("photo_missing", {"value": name}),
                                   column))
            continue
        try:
            prepared[name] = steps.prepare(content, name)
        except ValueError as error:
            errors.append(RowError(row.line, "photos", Message(
                "photo_refused", {"value": name, "detail": str(error)}), column))
    return errors


def _attach_photos(rows: list[ImportRow], businesses: dict, prepared: dict,
                   steps: PhotoSteps, report: ImportReport) -> None:
    for row in rows:
        business = businesses.get(row.slug)
        for name in row.photos:
            if business is not None and name in prepared and steps.attach(
                    business, prepared[name], report.dry_run):
                report.new_photos += 1
                if business.id is not None:
                    report.changed_ids.add(business.id)
