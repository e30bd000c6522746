"""Read a staff file (CSV or JSON) into numbered raw rows keyed by canonical column names.

A file that cannot be read at all raises ImportFileError and nothing is changed.
"""

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from ..messages import Message, Note

# A cell starting with one of these is a formula to a spreadsheet (CSV injection): the
# spreadsheet export (directory.exports) puts a ' before it, which unguard() drops again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "featured_on", "rubric", "slug", "name", "owner", "category", "district", "kelurahan",
    "address", "products", "description", "instagram", "whatsapp", "website", "post_url",
    "reach", "established", "fictional", "sentra", "subsector",
    # More about a business (DATA-FORMAT.md): where and when.
    "latitude", "longitude", "maps_url", "opening_hours", "status", "verified_on",
    # How to buy (optional; DATA-FORMAT.md "More about a business").
    "price_range", "order_links", "qris", "nib", "halal", "pirt",
    # File names inside a .zip import, separated by ";".
    "photos",
)
# Columns the exports add that are derived, not imported: read back without a warning.
EXPORT_ONLY = ("district_code",)
REQUIRED = ("featured_on", "rubric", "name", "category", "district", "kelurahan")
# Headers of spreadsheets set to Indonesian (DATA-FORMAT.md), plus the obvious ones.
ALIASES = {
    "tanggal": "featured_on", "rubrik": "rubric", "nama_usaha": "name", "nama": "name",
    "pemilik": "owner", "kategori": "category", "kecamatan": "district", "alamat": "address",
    "produk": "products", "deskripsi": "description", "tahun_berdiri": "established",
    "tautan_posting": "post_url", "jangkauan": "reach", "fiktif": "fictional",
    "lintang": "latitude", "bujur": "longitude", "tautan_peta": "maps_url",
    "jam_buka": "opening_hours", "diverifikasi": "verified_on",
    "subsektor": "subsector",
    "kisaran_harga": "price_range", "harga": "price_range", "tautan_pesan": "order_links",
    "sertifikat_halal": "halal", "foto": "photos",
}
FEATURE_KEYS = ("featured_on", "rubric", "post_url", "reach")
INDONESIAN = {canonical: alias for alias, canonical in reversed(ALIASES.items())}
# Excel's plain "CSV" on Windows writes Windows-1252, "CSV (Macintosh)" Mac Roman. When the
# bytes fit both (one é), Windows is what staff use.
LEGACY_ENCODINGS = ("cp1252", "mac_roman")
ENCODING_NAMES = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman"}
# Bytes no text file holds: NUL and C0 controls other than tab, line feed, carriage return.
BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict
    # canonical column -> the header as the file wrote it (`district` -> `Kecamatan`)
    headers: dict = field(default_factory=dict, compare=False)

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def canonical_column(header: str) -> str:
    """Return the canonical name of a header: `Nama Usaha` -> `name`."""
    key = re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").casefold())
    return ALIASES.get(key, key)


def read_file(data: bytes, filename: str) -> tuple[list[RawRow], list[Note]]:
    """Return (rows, warnings) of a `.csv` or `.json` file's bytes."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ("csv", "json"):
        raise ImportFileError(f"{filename}: only .csv, .json and .zip files can be imported")
    text, encoding = decode(data, filename)
    if not text.strip():
        raise ImportFileError(f"{filename}: the file is empty")
    rows, warnings = read_csv(text) if suffix == "csv" else read_json(text)
    if encoding:
        warnings.insert(0, Note(None, None, Message("encoding", {"encoding": encoding})))
    return rows, warnings


def unguard(cell: str) -> str:
    """Drop the `'` a spreadsheet export puts before a formula start, so it imports back.

    "'+6281234567890" -> "+6281234567890"; "''=1" -> "'=1"; "'Ngalam" stays.
    """
    return cell[1:] if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_START else cell


def decode(data: bytes, filename: str = "file") -> tuple[str, str | None]:
    """Return the text of `data` and, when it was not UTF-8, the encoding it was read in.

    UTF-8 (with or without BOM) and UTF-16 with BOM (Excel's "Unicode Text") are read as
    they are; other text is detected among LEGACY_ENCODINGS by charset-normalizer.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{filename}: starts as UTF-16 but is not") from error
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        if BINARY.search(data):
            raise ImportFileError(
                f"{filename}: not UTF-8 text and not a text file at all (byte {error.start}); "
                "save the sheet as 'CSV UTF-8'") from error
        matches = sorted(from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)),
                         key=lambda m: (m.chaos, LEGACY_ENCODINGS.index(m.encoding)))
        if not matches:
            raise ImportFileError(
                f"{filename}: not UTF-8 text (byte {error.start}) nor a spreadsheet's "
                "Windows or Mac text; save it as 'CSV UTF-8'") from error
        best = matches[0].encoding
        return data.decode(best), ENCODING_NAMES[best]


def _check_columns(columns: list[str], headers: dict) -> list[Note]:
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        named = [f"{c} ({INDONESIAN[c]})" if c in INDONESIAN else c for c in missing]
        raise ImportFileError("missing required column(s): " + ", ".join(named))
    return [Note(None, c, Message("unknown_column", {"value": headers[c]}), headers[c])
            for c in dict.fromkeys(columns) if c not in COLUMNS and c not in EXPORT_ONLY]


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
        headers = {}
        for column, written in zip(columns, header, strict=True):
            headers.setdefault(column, written.strip().lstrip("\ufeff"))
        warnings = _check_columns(columns, headers)
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
                values["__extra__"] = Message("extra_cells",
                                              {"cells": len(cells), "columns": len(columns)})
            rows.append(RawRow(line, values, headers))
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


def read_json(text: str) -> tuple[list[RawRow], list[Note]]:
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
    rows, warnings, ignored = [], [], set()
    for line, item in items:
        if not isinstance(item, dict):
            rows.append(RawRow(line, {"__error__": Message("not_object")}))
            continue
        headers = {canonical_column(k): k for k in reversed(item)}
        values = {canonical_column(k): _as_text(v) for k, v in item.items()}
        features = values.pop("features", None)
        for column in values:
            if column not in COLUMNS and column not in EXPORT_ONLY and column not in ignored:
                ignored.add(column)
                warnings.append(Note(None, column, Message("unknown_column",
                                                           {"value": headers[column]}),
                                     headers[column]))
        business = {k: v for k, v in values.items() if k in COLUMNS and v not in ("", [])}
        if features is None:
            rows.append(RawRow(line, business, headers))
        elif not isinstance(features, list) or not features:
            rows.append(RawRow(line, {**business, "__error__": Message("features_list")},
                               headers))
        else:
            for feature in features:
                if not isinstance(feature, dict):
                    rows.append(RawRow(line, {"__error__": Message("feature_object")}))
                    continue
                extra = {canonical_column(k): _as_text(v) for k, v in feature.items()}
                written = {**headers, **{canonical_column(k): k for k in feature}}
                rows.append(RawRow(line, {**business, **{
                    k: v for k, v in extra.items() if k in FEATURE_KEYS and v != ""}}, written))
    return rows, warnings
