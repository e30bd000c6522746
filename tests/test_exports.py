"""Exports: every filter of the search, CSV that spreadsheets and the importer read back."""

import csv
import io
import json

import pytest

from directory import services
from directory.exports import BUSINESS_COLUMNS, FEATURE_COLUMNS
from directory.models import Business, db


def rows(response, delimiter=","):
    text = response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


def test_businesses_csv_has_every_live_business_once(client, app):
    response = client.get("/api/v1/export/businesses.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    found = rows(response)
    with app.app_context():
        assert len(found) == services.count_live()
    assert tuple(found[0]) == BUSINESS_COLUMNS
    assert len({r["slug"] for r in found}) == len(found)


def test_businesses_csv_summarises_the_appearances(client):
    found = {r["slug"]: r for r in rows(client.get("/api/v1/export/businesses.csv"))}
    sri = found["keripik-tempe-bu-sri"]
    assert sri["appearances"] == "2"
    assert (sri["first_featured_on"], sri["last_featured_on"]) == ("2021-05-07", "2022-03-04")
    assert sri["products"].startswith("keripik tempe; keripik tempe pedas")
    assert sri["fictional"] == "true"


def test_bom_and_semicolon_for_a_spreadsheet_set_to_indonesian(client):
    response = client.get("/api/v1/export/businesses.csv?bom=1&delimiter=semicolon")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbfslug;name;")
    found = rows(response, ";")
    # A leading + or = would be a formula to the spreadsheet: it is made text.
    assert all(not r["whatsapp"] or r["whatsapp"].startswith("'+62") for r in found)


def test_plain_csv_has_no_bom_and_raw_values(client):
    data = client.get("/api/v1/export/businesses.csv").get_data()
    assert data.startswith(b"slug,name,")
    assert b"'+62" not in data


@pytest.mark.parametrize("query, expected", [
    ("category=kriya", lambda r: r["category"] == "kriya"),
    ("district=KLOJEN", lambda r: r["district"] == "Klojen"),
    ("kelurahan=Rampal%20Celaket", lambda r: r["kelurahan"] == "Rampalcelaket"),
    ("rubric=kuliner-legendaris", lambda r: "kuliner-legendaris" in r["rubrics"]),
    ("year=2022", lambda r: r["last_featured_on"] >= "2022"),
    ("category=kuliner&category=kriya", lambda r: r["category"] in ("kuliner", "kriya")),
])
def test_export_takes_the_search_filters(client, query, expected):
    exported = rows(client.get(f"/api/v1/export/businesses.csv?{query}"))
    searched = client.get(f"/api/v1/businesses?{query}&per_page=100").json
    assert {r["slug"] for r in exported} == {item["slug"] for item in searched["items"]}
    assert exported and all(expected(r) for r in exported)


def test_export_with_words_matches_the_search(client):
    exported = rows(client.get("/api/v1/export/businesses.csv?q=keripik"))
    searched = client.get("/api/v1/businesses?q=keripik&per_page=100").json
    assert {r["slug"] for r in exported} == {item["slug"] for item in searched["items"]}
    assert exported


def test_bad_filter_is_422_in_the_error_shape(client):
    response = client.get("/api/v1/export/businesses.csv?category=nope&delimiter=pipe")
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"category", "delimiter"}


def test_features_csv_imports_back_unchanged(client, app, tmp_path):
    with app.app_context():  # texts a spreadsheet would take for formulas, guarded or not
        business = db.session.scalars(db.select(Business).order_by(Business.id)).first()
        business.description = "=1+1 -- '+ dan '@ di tengah tetap"
        business.address = "'+ Jl. Kutip 1"
        business.owner = "-Sri-"
        db.session.commit()
    data = client.get("/api/v1/export/features.csv?bom=1&delimiter=semicolon").get_data()
    assert tuple(rows(client.get("/api/v1/export/features.csv"))[0]) == FEATURE_COLUMNS
    for guarded in (b";'+62", b";'=1+1 -- '+ dan '@", b";''+ Jl. Kutip 1;", b";'-Sri-"):
        assert guarded in data, guarded
    path = tmp_path / "roundtrip.csv"  # the app lives in tmp_path too
    path.write_bytes(data)  # as exported: the importer reads its own formula guard
    before = client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True)
    with app.app_context():
        report = services.import_file(path)
    assert not report.errors
    assert report.new_businesses == report.new_features == 0
    assert report.updated_businesses == report.updated_features == 0
    after = client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True)
    assert before == after


def test_features_csv_narrows_the_appearances_by_rubric_and_year(client):
    found = rows(client.get("/api/v1/export/features.csv?rubric=umkm-of-the-week&year=2021"))
    assert found
    assert {r["rubric"] for r in found} == {"umkm-of-the-week"}
    assert all(r["featured_on"].startswith("2021") for r in found)


def test_ndjson_and_json_hold_the_same_records(client):
    lines = client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    document = client.get("/api/v1/export/businesses.json").json
    assert document["items"] == records
    assert document["meta"]["licence"]["name"]
    assert document["meta"]["fictional"]["id"]
    first = records[0]
    assert first["features"] and isinstance(first["products"], list)


def test_deleted_businesses_are_not_exported(client, app):
    with app.app_context():
        business = db.session.scalars(db.select(Business)).first()
        slug = business.slug
        business.deleted_at = business.updated_at
        db.session.commit()
    assert slug not in client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True)


def test_empty_directory_exports_headers_only(empty_app):
    client = empty_app.test_client()
    assert client.get("/api/v1/export/businesses.csv").get_data(as_text=True).count("\n") == 1
    assert client.get("/api/v1/export/businesses.json").json["items"] == []
    assert client.get("/api/v1/export/businesses.ndjson").get_data() == b""


def test_export_answers_304_while_the_data_is_unchanged(client, app):
    with client.get("/api/v1/export/businesses.csv") as first:
        tag = first.headers["ETag"]
    again = client.get("/api/v1/export/businesses.csv", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.get_data()
    with client.get("/api/v1/export/businesses.csv?bom=1",
                    headers={"If-None-Match": tag}) as other:
        assert other.status_code == 200
    with app.app_context():
        business = db.session.scalars(db.select(Business)).first()
        business.name += " Baru"
        db.session.commit()
    with client.get("/api/v1/export/businesses.csv", headers={"If-None-Match": tag}) as changed:
        assert changed.status_code == 200


def test_dictionary_explains_every_exported_field(client):
    dictionary = client.get("/api/v1/export/dictionary").json
    assert dictionary["licence"]["name"] and dictionary["source"]["en"]
    assert "fictional" in dictionary["fictional"]["en"]
    paths = {export["path"] for export in dictionary["exports"]}
    assert paths == {"/api/v1/export/businesses.csv", "/api/v1/export/features.csv",
                     "/api/v1/export/businesses.ndjson", "/api/v1/export/businesses.json",
                     "/api/v1/export/businesses.geojson"}
    for export in dictionary["exports"]:
        for field in export["fields"]:
            assert field["type"] and field["id"] and field["en"], field
    csv_export = next(e for e in dictionary["exports"] if e["path"].endswith("businesses.csv"))
    assert tuple(f["name"] for f in csv_export["fields"]) == BUSINESS_COLUMNS


@pytest.mark.parametrize("name", ["businesses.csv", "businesses.ndjson", "businesses.json",
                                  "features.csv", "businesses.geojson"])
def test_exports_stay_streamed_through_every_hook(client, name):
    # A hook that counts the body's length would read the whole export into memory.
    response = client.get(f"/api/v1/export/{name}", buffered=False)
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    response.close()
