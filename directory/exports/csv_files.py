"""The CSV files: one row per business or per appearance (the staff import format)."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from .. import timestamps
from ..importers.commerce import format_price_range
from ..importers.readers import FORMULA_START
from .selection import ExportFilter, record_batches

WHERE_WHEN_COLUMNS = ("latitude", "longitude", "maps_url", "opening_hours", "status",
                      "verified_on")
# The staff import format's columns, in its order: features.csv imports back unchanged.
# district_code is derived (the importer reads it back without a warning).
FEATURE_COLUMNS = ("featured_on", "rubric", "slug", "name", "owner", "category", "district",
                   "district_code", "kelurahan", "address", "products", "description",
                   "instagram", "whatsapp", "website", "post_url", "reach", "established",
                   "fictional", "sentra", "subsector",
                   "price_range", "order_links", "qris", "nib", "halal", "pirt",
                   *WHERE_WHEN_COLUMNS)
BUSINESS_COLUMNS = ("slug", "name", "owner", "category", "district", "district_code",
                    "kelurahan", "address", "products", "description", "instagram",
                    "whatsapp", "website", "established", "sentra", "subsector", "appearances",
                    "first_featured_on", "last_featured_on", "rubrics", "latest_post_url",
                    "fictional", "updated_at",
                    "price_min", "price_max", "order_links", "qris", "nib", "halal", "pirt",
                    "photos", *WHERE_WHEN_COLUMNS)
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def _order_urls(links) -> list[str]:
    return [link["url"] for link in links or []]


def _commerce(row) -> dict:
    """The buying and legal fields of a row, in the exports' flat form."""
    return {"price_range": format_price_range(row.price_min, row.price_max),
            "order_links": _order_urls(row.order_links)}


def cell_text(value) -> str:
    """A value as the files write it: lists joined by "; ", times in RFC 3339, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "; ".join(value)
    if isinstance(value, datetime):
        return timestamps.rfc3339(value)
    return str(value)


def _defuse(text: str) -> str:
    # OWASP's advice for files opened in a spreadsheet: a leading ' makes a formula text.
    # Texts of quotes then a formula start ("'+x") get one more too: the importer drops
    # one before such a start (importers.readers.unguard), so it reads back what was written.
    return "'" + text if text.lstrip("'").startswith(FORMULA_START) else text


class CsvRows:
    """Turn batches of dicts into encoded CSV chunks, one chunk per batch."""

    def __init__(self, columns, delimiter=",", bom=False):
        self.columns, self.bom = columns, bom
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=delimiter, lineterminator="\r\n")

    def _take(self) -> bytes:
        data = self.buffer.getvalue().encode("utf-8")
        self.buffer.seek(0)
        self.buffer.truncate()
        return data

    def stream(self, batches: Iterable[list[dict]]) -> Iterator[bytes]:
        self.writer.writerow(self.columns)
        yield (b"\xef\xbb\xbf" if self.bom else b"") + self._take()
        clean = _defuse if self.bom else (lambda text: text)
        for batch in batches:
            for record in batch:
                self.writer.writerow([clean(cell_text(record[c])) for c in self.columns])
            yield self._take()


def _business_summary(row, features) -> dict:
    record = row._asdict()
    record.update(
        appearances=len(features),
        first_featured_on=features[0].featured_on if features else None,
        last_featured_on=features[-1].featured_on if features else None,
        rubrics=sorted({f.rubric_slug for f in features}),
        latest_post_url=next((f.post_url for f in reversed(features) if f.post_url), None),
        order_links=_order_urls(row.order_links), photos=len(row.photos),
    )
    return record


def businesses_csv(selection: ExportFilter, delimiter=",", bom=False) -> Iterator[bytes]:
    batches = ([_business_summary(row, features) for row, features in batch]
               for batch in record_batches(selection))
    return CsvRows(BUSINESS_COLUMNS, delimiter, bom).stream(batches)


def features_csv(selection: ExportFilter, delimiter=",", bom=False) -> Iterator[bytes]:
    """One row per appearance, in the staff import format (it imports back as it is)."""
    def batches():
        for batch in record_batches(selection, selection.filters):
            yield [{**row._asdict(), **_commerce(row), "featured_on": f.featured_on,
                    "rubric": f.rubric_slug, "post_url": f.post_url, "reach": f.reach}
                   for row, features in batch for f in features]
    return CsvRows(FEATURE_COLUMNS, delimiter, bom).stream(batches())
