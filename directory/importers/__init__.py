"""Staff import: read a CSV or JSON file, validate every row, apply the good ones.

`run_import` never commits; the service commits, then updates the search index.
"""

from collections.abc import Callable

from .apply import ImportReport, apply_rows
from .messages import Message, Note
from .readers import ImportFileError, RawRow, read_file
from .rows import ImportRow, RowError, validate

__all__ = ["ImportFileError", "ImportReport", "Note", "RowError", "run_import"]


def run_import(data: bytes, filename: str, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate and apply `data` to the session; raise ImportFileError if unreadable."""
    raw_rows, warnings = read_file(data, filename)
    report = ImportReport(rows=len(raw_rows), warnings=warnings, dry_run=dry_run)
    good, seen = [], {}
    for raw in raw_rows:
        row, errors = validate(raw)
        if row is None:
            report.errors.extend(errors)
            report.skipped += 1
            if progress:
                progress(1)
        else:
            good.append(row)
            report.warnings.extend(_doubts(raw, row, seen))
    apply_rows(good, report, progress)
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
