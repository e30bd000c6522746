"""Sentra and ekraf subsectors: import, staff API, filter and facet, pages, exports, lists."""

import csv
import io
import json

import pytest

from directory import services
from directory.admin import URL_PREFIX
from tests.helpers import assert_error_shape

HEADER = "tanggal,rubrik,nama_usaha,kategori,kecamatan,kelurahan,produk,sentra,subsektor\n"
SHEET = (HEADER +
         "2025-06-06,umkm-of-the-week,Keripik Tempe Bu Sri,kuliner,Blimbing,Purwantoro,"
         "keripik tempe,kampung sanan,\n"
         "2025-06-13,ekraf-of-the-week,Keramik Sumber Rejeki,kriya,Lowokwaru,Dinoyo,"
         "vas keramik,Sentra Keramik Dinoyo,KRIYA\n"
         "2025-06-20,ekraf-of-the-week,Gerabah Betek Pak Man,kriya,Klojen,Penanggungan,"
         "gerabah,kampung-gerabah-penanggungan,Desain Produk\n")


def load(app, text: str):
    with app.app_context():
        return services.import_bytes(text.encode(), "sentra.csv")


@pytest.fixture
def with_sentra(app):
    report = load(app, SHEET)
    assert not report.errors, report.errors
    return app


def test_import_reads_sentra_and_subsector_by_name_or_slug_in_any_case(with_sentra, client):
    sri = client.get("/api/v1/businesses/keripik-tempe-bu-sri").json
    assert (sri["sentra"], sri["sentra_name"], sri["subsector"]) == (
        "kampung-sanan", "Kampung Sanan", None)
    keramik = client.get("/api/v1/businesses/keramik-sumber-rejeki").json
    assert (keramik["sentra"], keramik["subsector"], keramik["subsector_name"]) == (
        "sentra-keramik-dinoyo", "kriya", "Kriya")


def test_a_blank_sentra_cell_keeps_the_stored_sentra(with_sentra, client, app):
    later = HEADER + ("2025-07-04,umkm-of-the-week,Keripik Tempe Bu Sri,kuliner,Blimbing,"
                      "Purwantoro,keripik tempe,,\n")
    assert not load(app, later).errors
    assert client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["sentra"] == "kampung-sanan"


@pytest.mark.parametrize("cells, column", [
    ("Kampung Antah,", "sentra"), (",Kerajinan", "subsector"), (",Kriya Kayu", "subsector")])
def test_unknown_sentra_or_subsector_is_reported_and_the_row_skipped(app, cells, column):
    report = load(app, HEADER + "2025-06-06,umkm-of-the-week,Usaha Baru,kuliner,Blimbing,"
                                f"Purwantoro,tempe,{cells}\n")
    assert report.skipped == 1 and report.new_businesses == 0
    assert [(e.line, e.field) for e in report.errors] == [(2, column)]


def test_filter_and_facet_by_sentra_and_subsector(with_sentra, client):
    page = client.get("/api/v1/businesses?per_page=100").json
    assert page["facets"]["sentra"] == {"kampung-gerabah-penanggungan": 1, "kampung-sanan": 1,
                                        "sentra-keramik-dinoyo": 1}
    assert page["facets"]["subsector"] == {"desain-produk": 1, "kriya": 1}
    one = client.get("/api/v1/businesses?sentra=kampung-sanan").json
    assert [b["slug"] for b in one["items"]] == ["keripik-tempe-bu-sri"]
    # A filtered facet still counts the other values (the citizen can switch).
    assert one["facets"]["sentra"]["sentra-keramik-dinoyo"] == 1
    both = client.get("/api/v1/businesses?sentra=kampung-sanan&sentra=sentra-keramik-dinoyo"
                      "&subsector=kriya").json
    assert [b["slug"] for b in both["items"]] == ["keramik-sumber-rejeki"]
    assert_error_shape(client.get("/api/v1/businesses?sentra=kampung-antah"), 422)
    assert_error_shape(client.get("/api/v1/businesses?subsector=Kriya"), 422)


def test_exports_carry_sentra_subsector_and_kecamatan_code(with_sentra, client):
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/export/businesses.csv?sentra=kampung-sanan").get_data(as_text=True))))
    assert [(r["slug"], r["district"], r["district_code"], r["sentra"]) for r in rows] == [
        ("keripik-tempe-bu-sri", "Blimbing", "35.73.01", "kampung-sanan")]
    codes = {json.loads(line)["district"]: json.loads(line)["district_code"] for line in
             client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True).splitlines()}
    assert codes == {"Blimbing": "35.73.01", "Klojen": "35.73.02", "Kedungkandang": "35.73.03",
                     "Sukun": "35.73.04", "Lowokwaru": "35.73.05"}


def test_the_features_export_imports_back_without_warnings(with_sentra, client, app):
    data = client.get("/api/v1/export/features.csv").get_data()
    with app.app_context():
        report = services.import_bytes(data, "features.csv", dry_run=True)
    assert not report.errors and not report.warnings
    assert report.new_businesses == report.new_features == report.updated_businesses == 0


def test_sentra_and_subsector_lists_count_live_businesses(with_sentra, client):
    sentra = client.get("/api/v1/sentra").json["items"]
    assert len(sentra) == 13
    assert sum(s["named_by_city_2024"] for s in sentra) == 7
    sanan = next(s for s in sentra if s["slug"] == "kampung-sanan")
    assert (sanan["count"], sanan["kecamatan_code"], sanan["url"]) == (
        1, "35.73.01", "/sentra/kampung-sanan")
    assert "tujuh sentra" in sanan["about"]
    assert client.get("/api/v1/sentra/kampung-tridi").json["count"] == 0
    assert_error_shape(client.get("/api/v1/sentra/kampung-antah"), 404)
    subsectors = client.get("/api/v1/subsectors").json["items"]
    assert len(subsectors) == 17
    assert {s["slug"]: s["count"] for s in subsectors if s["count"]} == {
        "kriya": 1, "desain-produk": 1}


def test_staff_set_and_clear_sentra_and_subsector(with_sentra, client, app):
    from directory import auth
    with app.app_context():
        token = auth.create_token("ani")
    headers = {"Authorization": f"Bearer {token}"}
    url = URL_PREFIX + "/businesses/keripik-tempe-bu-sri"
    response = client.patch(url, json={"sentra": "Sentra Marning Pandanwangi",
                                       "subsector": "kuliner"}, headers=headers)
    assert response.status_code == 200, response.data
    assert (response.json["sentra"], response.json["subsector"]) == (
        "sentra-marning-pandanwangi", "kuliner")
    bad = client.patch(url, json={"sentra": "Kampung Antah"}, headers=headers)
    assert "sentra" in assert_error_shape(bad, 422)["fields"]
    cleared = client.patch(url, json={"sentra": "", "subsector": None}, headers=headers).json
    assert (cleared["sentra"], cleared["subsector"]) == (None, None)


def test_sentra_page_lists_its_businesses_with_a_short_text(with_sentra, client):
    response = client.get("/sentra/kampung-sanan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Kampung Sanan</h1>" in html
    assert "tujuh sentra produksi" in html and "Kelurahan Purwantoro" in html
    assert 'href="/b/keripik-tempe-bu-sri"' in html and "Keramik Sumber" not in html
    assert "Content-Security-Policy" in response.headers
    empty = client.get("/sentra/sentra-mebel-kemirahan").get_data(as_text=True)
    assert "Belum ada usaha" in empty and "tidak menyebut" in empty
    listing = client.get("/sentra").get_data(as_text=True)
    assert listing.count('href="/sentra/') == 13
    assert client.get("/sentra/kampung-antah", headers={"Accept": "text/html"}).status_code == 404
