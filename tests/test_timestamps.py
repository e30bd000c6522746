"""Every timestamp a program reads is RFC 3339 in UTC with its offset: `...T13:14:56Z`."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from directory import auth
from directory.admin import URL_PREFIX
from directory.timestamps import Timestamp, rfc3339

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def timestamps_in(value, key: str = "") -> list[str]:
    """Return every value under a key that names a moment (`at`, `..._at`)."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in timestamps_in(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in timestamps_in(v, key)]
    return [value] if (key == "at" or key.endswith("_at")) and value is not None else []


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 11, 29, 13, 14, 56), "2026-11-29T13:14:56Z"),
    (datetime(2026, 11, 29, 13, 14, 56, 724151), "2026-11-29T13:14:56Z"),
    (datetime(2026, 11, 29, 13, 14, 56, tzinfo=UTC), "2026-11-29T13:14:56Z"),
    (datetime(2026, 11, 29, 20, 14, 56, tzinfo=timezone(timedelta(hours=7))),
     "2026-11-29T13:14:56Z"),
    ("2026-11-29T13:14:56", "2026-11-29T13:14:56Z"),
    (None, None),
])
def test_rfc3339_gives_one_form_for_naive_aware_and_fractional_moments(moment, expected):
    assert rfc3339(moment) == expected


def test_every_timestamp_of_the_api_and_the_change_feed_is_rfc3339_utc(app, client):
    with app.app_context():
        token = auth.create_token("ani")
    staff = {"Authorization": f"Bearer {token}"}
    client.patch(f"{URL_PREFIX}/businesses/keripik-tempe-bu-sri", headers=staff,
                 json={"owner": "Bu Sri"})  # an audit entry, and updated_at moves
    job = client.post(f"{URL_PREFIX}/reindex", headers=staff).json
    answers = [
        client.get("/api/v1/businesses/keripik-tempe-bu-sri").json,
        client.get(f"{URL_PREFIX}/businesses/keripik-tempe-bu-sri", headers=staff).json,
        client.get(f"{URL_PREFIX}/audit", headers=staff).json,
        client.get(f"{URL_PREFIX}/jobs/{job['id']}", headers=staff).json,
        client.get("/api/v1/changes?limit=1000").json,  # the change feed, its records too
    ]
    found = timestamps_in(answers)
    # created_at, updated_at twice; a feature's created_at; the audit's at; the job's.
    assert len(found) >= 6, answers
    assert [t for t in found if not RFC3339_UTC.match(t)] == []


def test_every_timestamp_of_the_exports_is_rfc3339_utc(client):
    document = client.get("/api/v1/export/businesses.json").get_json()
    lines = client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True).splitlines()
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/export/businesses.csv").get_data(as_text=True))))
    found = (timestamps_in(document) + timestamps_in([json.loads(line) for line in lines])
             + [row["updated_at"] for row in rows])
    assert len(found) > 3 * len(rows) > 0
    assert [t for t in found if not RFC3339_UTC.match(t)] == []


def test_the_openapi_document_calls_every_timestamp_a_date_time(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    moments = {(name, prop): spec for name, schema in schemas.items()
               for prop, spec in schema.get("properties", {}).items()
               if prop == "at" or prop.endswith("_at")}
    assert ("BusinessDetail", "updated_at") in moments
    assert ("BusinessRecord", "created_at") in moments
    assert {key: spec.get("format") for key, spec in moments.items()} == {
        key: "date-time" for key in moments}


def test_no_schema_dumps_a_moment_without_its_offset(app):
    # A plain fields.DateTime would dump the database's naive UTC as "...T13:14:56".
    from marshmallow import class_registry, fields

    schemas = {cls for classes in class_registry._registry.values() for cls in classes
               if cls.__module__.startswith("directory.")}
    plain = sorted(f"{cls.__name__}.{name}" for cls in schemas
                   for name, field in cls._declared_fields.items()
                   if isinstance(field, fields.DateTime) and not isinstance(field, Timestamp))
    assert len(schemas) > 20
    assert plain == []
