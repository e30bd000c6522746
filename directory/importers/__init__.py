"""Staff import: read a CSV or JSON file, validate every row, apply the good ones.

`run_import` never commits; the service commits, then updates the search index.
"""

from collections.abc import Callable

from .apply import ImportReport, apply_rows
from .readers import ImportFileError, read_file
from .rows import RowError, validate

__all__ = ["ImportFileError", "ImportReport", "RowError", "run_import"]


def run_import(data: bytes, filename: str, dry_run: bool = False,
               progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate and apply `data` to the session; raise ImportFileError if unreadable."""
    raw_rows, warnings = read_file(data, filename)
    report = ImportReport(rows=len(raw_rows), warnings=warnings, dry_run=dry_run)
    good = []
    for raw in raw_rows:
        row, errors = validate(raw)
        if row is None:
            report.errors.extend(errors)
            report.skipped += 1
            if progress:
                progress(1)
        else:
            good.append(row)
    apply_rows(good, report, progress)
    report.errors.sort(key=lambda e: e.line)
    return report
