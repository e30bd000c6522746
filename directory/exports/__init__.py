"""Open data: every public business and appearance as CSV, NDJSON, JSON or GeoJSON, streamed.

selection.py reads the rows in batches (and the data's version); csv_files.py and
json_files.py write them. What callers use is importable from here.
"""

from .csv_files import BUSINESS_COLUMNS, DELIMITERS, FEATURE_COLUMNS, businesses_csv, features_csv
from .json_files import (
    business_record,
    business_records,
    businesses_geojson,
    businesses_json,
    businesses_ndjson,
)
from .selection import ExportFilter, data_version, generated_at, record_batches

__all__ = [
    "BUSINESS_COLUMNS", "DELIMITERS", "FEATURE_COLUMNS", "ExportFilter", "business_record",
    "business_records", "businesses_csv", "businesses_geojson", "businesses_json",
    "businesses_ndjson", "data_version", "features_csv", "generated_at", "record_batches",
]
