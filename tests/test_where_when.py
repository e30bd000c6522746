"""Where and when through the API: import, near/radius, open now at a fixed WIB clock,
closed businesses, GeoJSON, the staff API and the cache rules."""

import csv
import io
import json
from datetime import datetime

import pytest

from directory import auth, services
from directory.admin import URL_PREFIX
from directory.hours import WIB
from tests.helpers import assert_error_shape

ALUN_ALUN = "-7.9826,112.6308"
FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)
COLUMNS = ["featured_on", "rubric", "slug", "name", "category", "district", "kelurahan",
           "address", "products", "lintang", "bujur", "tautan_peta", "jam_buka", "status",
           "diverifikasi"]
# slug, kelurahan (kecamatan), lat, lon, map link, hours, status
PLACES = [
    ("dekat", "Kauman", "Klojen", "-7.9830", "112.6300", "", "Senin-Sabtu 08.00-17.00", ""),
    ("agak-dekat", "Kasin", "Klojen", "", "",
     "https://www.google.com/maps/@-7.9930,112.6260,17z", "Jumat libur", ""),
    ("jauh", "Dinoyo", "Lowokwaru", "-7.9400", "112.6090", "", "24/7", ""),
    ("tanpa-titik", "Kauman", "Klojen", "", "", "https://maps.app.goo.gl/AbC123",
     "Setiap hari 10.00-22.00", ""),
    ("tutup-dulu", "Kauman", "Klojen", "-7.9827", "112.6309", "", "24/7", "tutup sementara"),
    ("sudah-tutup", "Kauman", "Klojen", "-7.9826", "112.6308", "", "24/7", "tutup"),
]


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for slug, kel, kec, lat, lon, link, hours, status in rows:
        writer.writerow(["2024-01-05", "umkm-of-the-week", slug, f"Bakso {slug}", "kuliner", kec,
                         kel, "Jl. Contoh 1", "bakso", lat, lon, link, hours, status,
                         "2026-10-02"])
    return out.getvalue().encode()


@pytest.fixture
def places(empty_app, monkeypatch):
    monkeypatch.setattr("directory.hours.now_wib", lambda: FRIDAY_10)
    with empty_app.app_context():
        report = services.import_bytes(_csv(PLACES), "tempat.csv")
    assert not report.errors, report.errors
    return empty_app.test_client()


def slugs(client, query: str) -> list[str]:
    response = client.get("/api/v1/businesses?" + query)
    assert response.status_code == 200, response.json
    return [item["slug"] for item in response.json["items"]]


def test_import_reads_coordinates_hours_status_and_map_links(places):
    item = places.get("/api/v1/businesses/agak-dekat").json
    assert item["location"] == {"lat": -7.993, "lon": 112.626}  # from the map link
    assert item["maps_url"] == "https://www.google.com/maps/@-7.9930,112.6260,17z"
    assert item["opening_hours"]["osm"] == "Fr off"
    assert item["verified_on"] == "2026-10-02"
    short = places.get("/api/v1/businesses/tanpa-titik").json
    assert short["location"] is None and short["maps_url"] == "https://maps.app.goo.gl/AbC123"
    assert places.get("/api/v1/businesses/tutup-dulu").json["status"] == "tutup-sementara"


def test_open_now_and_next_change_at_a_fixed_wib_clock(places):
    dekat = places.get("/api/v1/businesses/dekat").json
    assert dekat["open_now"] is True and dekat["next_change"] == "tutup pukul 17.00"
    assert dekat["opening_hours"]["week"][6] == {"day": "Su", "label": "Minggu", "open": []}
    friday_off = places.get("/api/v1/businesses/agak-dekat").json
    assert friday_off["open_now"] is False  # a Friday, 10:00, closed on Fridays
    closed = places.get("/api/v1/businesses/tutup-dulu").json
    assert closed["open_now"] is False and closed["next_change"] is None
    assert sorted(slugs(places, "open_now=1")) == ["dekat", "jauh", "tanpa-titik"]


def test_near_sorts_by_distance_and_puts_businesses_without_a_point_last(places):
    response = places.get(f"/api/v1/businesses?near={ALUN_ALUN}")
    items = response.json["items"]
    assert [i["slug"] for i in items] == ["tutup-dulu", "dekat", "agak-dekat", "jauh",
                                          "tanpa-titik"]
    assert items[0]["distance_m"] == 16 and items[1]["distance_m"] < 100
    assert items[-1]["distance_m"] is None
    second_page = slugs(places, f"near={ALUN_ALUN}&per_page=2&page=2")
    assert second_page == ["agak-dekat", "jauh"]


def test_radius_filters_and_combines_with_q_open_now_and_facets(places):
    assert slugs(places, f"near={ALUN_ALUN}&radius=2000") == ["tutup-dulu", "dekat",
                                                              "agak-dekat"]
    answer = places.get(f"/api/v1/businesses?q=bakso&near={ALUN_ALUN}&radius=2000&open_now=1")
    assert [i["slug"] for i in answer.json["items"]] == ["dekat"]
    assert answer.json["total"] == 1
    assert answer.json["facets"]["district"] == {"klojen": 1}
    assert slugs(places, f"near={ALUN_ALUN}&radius=2000&district=lowokwaru") == []


def test_closed_businesses_are_hidden_from_search_but_keep_their_page_and_exports(places):
    assert "sudah-tutup" not in slugs(places, "q=bakso")
    assert "sudah-tutup" in slugs(places, "q=bakso&status=all")
    assert slugs(places, "status=tutup") == ["sudah-tutup"]
    assert places.get("/api/v1/businesses/sudah-tutup").json["status"] == "tutup"
    exported = places.get("/api/v1/export/businesses.ndjson").get_data(as_text=True)
    assert '"slug": "sudah-tutup"' in exported
    assert '"status": "tutup"' in exported


def test_bad_near_radius_and_status_are_422_in_the_error_shape(places):
    for query in ("near=abc", "radius=500", "near=-7.98,112.63&radius=0",
                  "near=-7.98,112.63&radius=999999", "status=kadang", "sort=distance"):
        response = places.get("/api/v1/businesses?" + query)
        assert response.status_code == 422, query
        assert_error_shape(response, 422)


def test_clock_dependent_answers_are_cached_briefly(places):
    for path in ("/api/v1/businesses", "/api/v1/businesses/dekat"):
        assert places.get(path).headers["Cache-Control"] == "public, max-age=60"
    assert places.get("/api/v1/categories").headers["Cache-Control"] == "public, max-age=300"


def test_geojson_export_is_a_valid_rfc7946_feature_collection(places):
    response = places.get("/api/v1/export/businesses.geojson")
    assert response.mimetype == "application/geo+json"
    document = json.loads(response.get_data())
    assert document["type"] == "FeatureCollection" and "crs" not in document
    by_slug = {f["id"]: f for f in document["features"]}
    assert len(by_slug) == len(PLACES)  # closed ones too
    for feature in document["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        if feature["geometry"] is not None:
            lon, lat = feature["geometry"]["coordinates"]  # RFC 7946: longitude first
            assert feature["geometry"]["type"] == "Point" and 112 < lon < 113 and -9 < lat < -7
    assert by_slug["dekat"]["geometry"]["coordinates"] == [112.63, -7.983]
    assert by_slug["tanpa-titik"]["geometry"] is None
    assert by_slug["dekat"]["properties"]["opening_hours"] == "Mo-Sa 08:00-17:00"


def test_every_csv_export_carries_where_and_when_and_imports_back(places):
    text = places.get("/api/v1/export/features.csv").get_data(as_text=True)
    header = text.splitlines()[0].split(",")
    for column in ("latitude", "longitude", "maps_url", "opening_hours", "status",
                   "verified_on"):
        assert column in header
    with places.application.app_context():
        report = services.import_bytes(text.encode(), "kembali.csv")
    assert not report.errors and report.updated_businesses == 0, report.summary()


@pytest.mark.parametrize("cells,column", [
    (("-7.25", "112.75", ""), "latitude"),  # Surabaya
    (("-7.98", "", ""), "longitude"),
    (("", "", "https://www.google.com/maps/@-6.2,106.8,17z"), "maps_url"),  # Jakarta
])
def test_points_outside_the_city_are_bad_cells(empty_app, cells, column):
    lat, lon, link = cells
    row = ("x", "Kauman", "Klojen", lat, lon, link, "", "")
    with empty_app.app_context():
        report = services.import_bytes(_csv([row]), "salah.csv")
    assert report.skipped == 1 and report.errors[0].field == column


def test_bad_hours_and_status_are_reported_by_line_and_column(empty_app):
    rows = [("a", "Kauman", "Klojen", "", "", "", "kadang-kadang", ""),
            ("b", "Kauman", "Klojen", "", "", "", "", "bangkrut")]
    with empty_app.app_context():
        report = services.import_bytes(_csv(rows), "salah.csv")
    assert [(e.line, e.field) for e in report.errors] == [(2, "opening_hours"), (3, "status")]


def test_a_blank_cell_leaves_what_the_directory_holds(places):
    row = ("dekat", "Kauman", "Klojen", "", "", "", "", "")
    with places.application.app_context():
        services.import_bytes(_csv([row]), "lagi.csv")
    item = places.get("/api/v1/businesses/dekat").json
    assert item["location"] == {"lat": -7.983, "lon": 112.63}
    assert item["opening_hours"]["osm"] == "Mo-Sa 08:00-17:00"


def test_staff_edit_where_and_when_and_paste_a_map_link(places):
    with places.application.app_context():
        token = auth.create_token("ani")
    headers = {"Authorization": f"Bearer {token}"}
    url = URL_PREFIX + "/businesses/jauh"
    changed = places.patch(url, headers=headers, json={
        "maps_url": "https://www.openstreetmap.org/#map=18/-7.9700/112.6200",
        "opening_hours": "Senin-Jumat 07.00-12.00, 16.00-21.00",
        "status": "tutup-sementara", "verified_on": "2026-11-01"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["latitude"], changed.json["longitude"]) == (-7.97, 112.62)
    assert changed.json["opening_hours"] == "Mo-Fr 07:00-12:00,16:00-21:00"
    public = places.get("/api/v1/businesses/jauh").json
    assert public["status"] == "tutup-sementara" and public["open_now"] is False
    assert slugs(places, "near=-7.9700,112.6200&radius=100") == ["jauh"]  # re-indexed
    for body, field in (({"latitude": -7.25, "longitude": 112.75}, "latitude"),
                        ({"latitude": -7.98}, "latitude"),
                        ({"opening_hours": "kadang"}, "opening_hours"),
                        ({"status": "bangkrut"}, "status"),
                        ({"maps_url": "https://www.google.com/maps/@-6.2,106.8,17z"},
                         "maps_url")):
        refused = places.patch(url, headers=headers, json=body)
        assert refused.status_code == 422 and field in refused.json["error"]["fields"], body
