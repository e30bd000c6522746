"""Read a staff file (CSV or JSON) into numbered raw rows keyed by canonical column names.

A file that cannot be read at all raises ImportFileError and nothing is changed.
"""

import csv
import io
import json
import re
from dataclasses import dataclass

# A cell starting with one of these is a formula to a spreadsheet (CSV injection): the
# spreadsheet export (directory.exports) puts a ' before it, which unguard() drops again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "featured_on", "rubric", "slug", "name", "owner", "category", "district", "kelurahan",
    "address", "products", "description", "instagram", "whatsapp", "website", "post_url",
    "reach", "established", "fictional",
)
REQUIRED = ("featured_on", "rubric", "name", "category", "district", "kelurahan")
# Headers of spreadsheets set to Indonesian (DATA-FORMAT.md), plus the obvious ones.
ALIASES = {
    "tanggal": "featured_on", "rubrik": "rubric", "nama_usaha": "name", "nama": "name",
    "pemilik": "owner", "kategori": "category", "kecamatan": "district", "alamat": "address",
    "produk": "products", "deskripsi": "description", "tahun_berdiri": "established",
    "tautan_posting": "post_url", "jangkauan": "reach", "fiktif": "fictional",
}
FEATURE_KEYS = ("featured_on", "rubric", "post_url", "reach")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict


def canonical_column(header: str) -> str:
    """Return the canonical name of a header: `Nama Usaha` -> `name`."""
    key = re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").casefold())
    return ALIASES.get(key, key)


def read_file(data: bytes, filename: str) -> tuple[list[RawRow], list[str]]:
    """Return (rows, warnings) of a `.csv` or `.json` file's bytes."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ("csv", "json"):
        raise ImportFileError(f"{filename}: only .csv and .json files can be imported")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{filename}: not UTF-8 text (byte {error.start}); save it as 'CSV UTF-8'"
        ) from error
    if not text.strip():
        raise ImportFileError(f"{filename}: the file is empty")
    return read_csv(text) if suffix == "csv" else read_json(text)


def unguard(cell: str) -> str:
    """Drop the `'` a spreadsheet export puts before a formula start, so it imports back.

    "'+6281234567890" -> "+6281234567890"; "''=1" -> "'=1"; "'Ngalam" stays.
    """
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_START else cell


def _check_columns(columns: list[str]) -> list[str]:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError("missing required column(s): " + ", ".join(missing))
    return [f"column {c!r} is not part of the format and was ignored"
            for c in dict.fromkeys(columns) if c not in COLUMNS]


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get)


def read_csv(text: str) -> tuple[list[RawRow], list[str]]:
    header_line = text.lstrip("\ufeff").splitlines()[0]
    # newline="": the csv module sees \r\n, \n and the lone \r of "CSV (Macintosh)" alike.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line),
                        strict=True)
    try:
        header = next(reader)
        columns = [canonical_column(h) for h in header]
        warnings = _check_columns(columns)
        rows = []
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets append empty rows of delimiters
            values = {c: unguard(v.strip()) for c, v in zip(columns, cells, strict=False)
                      if c in COLUMNS and v.strip()}
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
                values["__extra__"] = f"{len(cells)} cells for {len(columns)} columns"
            rows.append(RawRow(line, values))
    except csv.Error as error:
        raise ImportFileError(f"line {reader.line_num}: not readable as CSV ({error})") from error
    return rows, warnings


def _top_level_items(text: str) -> list[tuple[int, object]]:
    """Decode a JSON array element by element, keeping each element's line number."""
    decoder = json.JSONDecoder()
    position = len(text) - len(text.lstrip())
    if text[position:position + 1] != "[":
        raise ImportFileError("JSON must be a list of rows or of businesses")
    position += 1
    items = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            raise ImportFileError("JSON ends before its closing ']'")
        if text[position] == "]":
            return items
        item, end = decoder.raw_decode(text, position)
        items.append((text.count("\n", 0, position) + 1, item))
        position = end


def _as_text(value) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return value
    return "" if value is None else str(value).strip()


def read_json(text: str) -> tuple[list[RawRow], list[str]]:
    try:
        # Whole first: a syntax error anywhere is reported, and nothing is imported.
        document = json.loads(text)
        items = _top_level_items(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"line {error.lineno}: not valid JSON ({error.msg})") from error
    except RecursionError as error:
        raise ImportFileError("JSON nested too deeply to be rows of the format") from error
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise ImportFileError("JSON holds a lone surrogate escape (\\ud800-\\udfff), "
                              "which is not text") from error
    rows, warnings = [], []
    for line, item in items:
        if not isinstance(item, dict):
            rows.append(RawRow(line, {"__error__": "each entry must be an object"}))
            continue
        values = {canonical_column(k): _as_text(v) for k, v in item.items()}
        features = values.pop("features", None)
        for column in values:
            if column not in COLUMNS and not any(column in w for w in warnings):
                warnings.append(f"field {column!r} is not part of the format and was ignored")
        business = {k: v for k, v in values.items() if k in COLUMNS and v not in ("", [])}
        if features is None:
            rows.append(RawRow(line, business))
        elif not isinstance(features, list) or not features:
            problem = "features must be a non-empty list"
            rows.append(RawRow(line, {**business, "__error__": problem}))
        else:
            for feature in features:
                if not isinstance(feature, dict):
                    rows.append(RawRow(line, {"__error__": "each feature must be an object"}))
                    continue
                extra = {canonical_column(k): _as_text(v) for k, v in feature.items()}
                rows.append(RawRow(line, {**business, **{
                    k: v for k, v in extra.items() if k in FEATURE_KEYS and v != ""}}))
    return rows, warnings
