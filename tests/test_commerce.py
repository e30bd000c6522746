"""Prices, order links, QRIS, NIB, halal and P-IRT: parsing, import, staff API, search, stats."""

import csv
import io

import pytest
from sqlalchemy import select

from directory import auth, services
from directory.importers import commerce
from directory.models import Business, db
from tests.helpers import StaffClient, assert_error_shape

HEADER = ("featured_on,rubric,slug,name,category,district,kelurahan,price_range,order_links,"
          "qris,nib,halal,pirt\n")
ROW = "2024-03-01,umkm-of-the-week,{slug},{name},kuliner,Klojen,Kauman,{rest}\n"


def sheet(*rows: tuple[str, str, str]) -> bytes:
    body = "".join(ROW.format(slug=slug, name=name, rest=rest) for slug, name, rest in rows)
    return (HEADER + body).encode("utf-8")


def business(slug: str) -> Business:
    return db.session.scalars(select(Business).where(Business.slug == slug)).one()


@pytest.fixture
def staff(app):
    with app.app_context():
        token = auth.create_token("ani")
    return StaffClient(app.test_client(), token)


# -- the rules ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Rp5.000", (5000, 5000)),
    ("5000-25000", (5000, 25000)),
    ("Rp15rb–Rp40rb", (15000, 40000)),
    ("Rp10.000 - Rp35.000", (10000, 35000)),
    ("Rp 1,5jt", (1_500_000, 1_500_000)),
    ("10rb s/d 25rb", (10000, 25000)),
    ("Rp10.000,00", (10000, 10000)),
    ("25K - 40K", (25000, 40000)),
])
def test_price_range_reads_the_ways_staff_write_rupiah(text, expected):
    assert commerce.price_range(text) == expected


@pytest.mark.parametrize("text", ["murah", "Rp", "Rp40.000 - Rp10.000", "0", "-5000",
                                  "10.00.0", "1-2-3", "Rp99999999999", "12,5"])
def test_price_range_refuses_what_is_not_a_price(text):
    with pytest.raises(ValueError):
        commerce.price_range(text)


def test_prices_are_written_the_indonesian_way():
    assert commerce.format_price_range(10000, 35000) == "Rp10.000–Rp35.000"
    assert commerce.format_price_range(5000, 5000) == "Rp5.000"
    assert commerce.format_price_range(None, None) is None


@pytest.mark.parametrize(("url", "platform"), [
    ("https://gofood.co.id/malang/restaurant/bakso-x", "gofood"),
    ("https://gofood.link/a/abc", "gofood"),
    ("https://food.grab.com/id/id/restaurant/x-delivery/1", "grabfood"),
    ("https://shopeefood.co.id/malang/x", "shopeefood"),
    ("https://spf.shopee.co.id/abc", "shopeefood"),
    ("https://shopee.co.id/tokox", "shopee"),
    ("https://www.tokopedia.com/tokox", "tokopedia"),
    ("https://shop.tiktok.com/@tokox", "tiktok-shop"),
    ("https://www.lazada.co.id/shop/x", "lazada"),
    ("https://www.blibli.com/merchant/x", "blibli"),
    ("tokopedia.com/tokox", "tokopedia"),
])
def test_order_links_are_recognised_by_host(url, platform):
    assert commerce.order_link(url)["platform"] == platform


@pytest.mark.parametrize("url", [
    "http://shopee.co.id/tokox",  # not https
    "https://example.com/shop",  # not an order platform
    "https://shopee.co.id.evil.com/x",  # looks like one
    "https://evilshopee.co.id/x",
    "javascript:alert(1)",
    "https://user@tokopedia.com/x",
    "https://tokopedia.com:8443/x",
    "https://toko pedia.com/x",
])
def test_order_links_refuse_other_hosts_and_plain_http(url):
    with pytest.raises(ValueError):
        commerce.order_link(url)


@pytest.mark.parametrize(("rule", "good", "clean", "bad"), [
    (commerce.nib, "1234-5678-90123", "1234567890123", "123456789012"),
    (commerce.halal_certificate, "id35110000123450124", "ID35110000123450124", "35110000123"),
    (commerce.pirt, "2063-5730-1023-425", "206357301023425", "20635"),
])
def test_registration_numbers(rule, good, clean, bad):
    assert rule(good) == clean
    with pytest.raises(ValueError):
        rule(bad)
    with pytest.raises(ValueError):
        rule(good + "x")


# -- import -------------------------------------------------------------------------------

def test_import_stores_every_buying_field(empty_app):
    data = sheet(("soto-x", "Soto X", 'Rp10.000 - Rp35.000,"https://gofood.co.id/malang/'
                  'restaurant/soto-x; https://shopee.co.id/sotox",ya,1234567890123,'
                  'ID35110000123450124,206357301023425'))
    with empty_app.app_context():
        report = services.import_bytes(data, "s.csv")
        assert report.errors == []
        soto = business("soto-x")
        assert (soto.price_min, soto.price_max, soto.price_range) == (10000, 35000,
                                                                      "Rp10.000–Rp35.000")
        assert [link["platform"] for link in soto.order_links] == ["gofood", "shopee"]
        assert (soto.qris, soto.nib, soto.halal, soto.pirt) == (
            True, "1234567890123", "ID35110000123450124", "206357301023425")


@pytest.mark.parametrize(("rest", "column"), [
    ("murah,,,,,", "price_range"),
    (",https://example.com/toko,,,,", "order_links"),
    (",http://shopee.co.id/x,,,,", "order_links"),
    (",,mungkin,,,", "qris"),
    (",,,12345,,", "nib"),
    (",,,,HALAL-123,", "halal"),
    (",,,,,12-34", "pirt"),
])
def test_import_reports_a_bad_value_with_line_and_column_and_skips_the_row(empty_app, rest,
                                                                            column):
    data = sheet(("good", "Good", ",,,,,"), ("bad", "Bad", rest))
    with empty_app.app_context():
        report = services.import_bytes(data, "s.csv")
        assert [(e.line, e.column) for e in report.errors] == [(3, column)]
        assert report.new_businesses == 1 and report.skipped == 1


def test_import_blank_cells_keep_what_is_stored(empty_app):
    first = sheet(("soto-x", "Soto X", "Rp5.000,https://gofood.co.id/x,ya,1234567890123,"
                   "ID35110000123450124,"))
    later = (HEADER + "2024-04-01,umkm-of-the-week,soto-x,Soto X,kuliner,Klojen,Kauman,"
             ",,,,,\n").encode()
    with empty_app.app_context():
        services.import_bytes(first, "a.csv")
        report = services.import_bytes(later, "b.csv")
        assert report.errors == []
        soto = business("soto-x")
        assert (soto.price_min, soto.qris, soto.nib) == (5000, True, "1234567890123")
        assert soto.order_links == [{"platform": "gofood", "url": "https://gofood.co.id/x"}]


def test_indonesian_headers_and_json_lists_import(empty_app):
    csv_data = (b"tanggal,rubrik,nama_usaha,kategori,kecamatan,kelurahan,kisaran_harga,"
                b"tautan_pesan,sertifikat_halal\n2024-03-01,umkm-of-the-week,Bakso Y,kuliner,"
                b"Klojen,Kauman,15rb-40rb,https://food.grab.com/id/x,ID3511000012\n")
    json_data = (b'[{"featured_on": "2024-03-01", "rubric": "umkm-of-the-week", "name": "Tas Z",'
                 b'"category": "fesyen", "district": "Klojen", "kelurahan": "Kauman",'
                 b'"order_links": ["https://shopee.co.id/z", "https://www.tokopedia.com/z"],'
                 b'"qris": false, "nib": "1234567890123"}]')
    with empty_app.app_context():
        assert services.import_bytes(csv_data, "a.csv").errors == []
        assert services.import_bytes(json_data, "b.json").errors == []
        bakso, tas = business("bakso-y"), business("tas-z")
        assert (bakso.price_min, bakso.price_max, bakso.halal) == (15000, 40000, "ID3511000012")
        assert [link["platform"] for link in tas.order_links] == ["shopee", "tokopedia"]
        assert tas.qris is False


# -- staff API ------------------------------------------------------------------------------

def test_staff_api_sets_and_clears_the_buying_fields(app, staff):
    response = staff.patch("/businesses/keripik-tempe-bu-sri", json={
        "price_range": "Rp10.000 - Rp35.000", "qris": True, "nib": "1234567890123",
        "halal": "ID35110000123450124", "pirt": "206357301023425",
        "order_links": ["https://shopee.co.id/kripik", "gofood.co.id/malang/kripik"]})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["price_range"], body["price_min"], body["price_max"]) == (
        "Rp10.000–Rp35.000", 10000, 35000)
    assert body["order_links"] == ["https://shopee.co.id/kripik",
                                   "https://gofood.co.id/malang/kripik"]
    public = app.test_client().get("/api/v1/businesses/keripik-tempe-bu-sri").json
    assert public["price_range"] == "Rp10.000–Rp35.000" and public["halal_certified"] is True
    assert [(link["platform"], link["label"]) for link in public["order_links"]] == [
        ("shopee", "Shopee"), ("gofood", "GoFood")]
    assert public["nib"] == "1234567890123" and public["qris"] is True
    cleared = staff.patch("/businesses/keripik-tempe-bu-sri", json={
        "price_range": "", "order_links": None, "halal": None, "qris": None})
    assert cleared.status_code == 200
    assert cleared.json["price_range"] is None and cleared.json["order_links"] is None
    assert cleared.json["halal"] is None and cleared.json["qris"] is None


@pytest.mark.parametrize(("field", "value"), [
    ("order_links", ["https://example.com/shop"]),
    ("order_links", ["http://shopee.co.id/x"]),
    ("price_range", "gratis"),
    ("nib", "12"),
    ("halal", "halal"),
    ("pirt", "abc"),
    ("qris", "mungkin"),
])
def test_staff_api_refuses_a_bad_value_with_422_by_field(staff, field, value):
    response = staff.patch("/businesses/keripik-tempe-bu-sri", json={field: value})
    error = assert_error_shape(response, 422)
    assert field in error["fields"]


# -- search, stats, exports -------------------------------------------------------------------

def _with_buying_details(app, staff):
    for slug, patch in {
        "keripik-tempe-bu-sri": {"price_range": "Rp5.000 - Rp20.000", "halal": "ID3511000012",
                                 "qris": True},
        "keramik-sumber-rejeki": {"price_range": "Rp50.000 - Rp300.000", "qris": False,
                                  "nib": "1234567890123"},
    }.items():
        assert staff.patch(f"/businesses/{slug}", json=patch).status_code == 200


def _slugs(client, query):
    return {item["slug"] for item in client.get(f"/api/v1/businesses?{query}").json["items"]}


def test_filters_halal_qris_price_max_and_the_price_facet(app, client, staff):
    _with_buying_details(app, staff)
    assert _slugs(client, "halal=1") == {"keripik-tempe-bu-sri"}
    assert _slugs(client, "qris=1") == {"keripik-tempe-bu-sri"}
    assert _slugs(client, "qris=0") == {"keramik-sumber-rejeki"}
    assert _slugs(client, "price_max=5000") == {"keripik-tempe-bu-sri"}
    assert _slugs(client, "price_max=60000") == {"keripik-tempe-bu-sri", "keramik-sumber-rejeki"}
    assert _slugs(client, "price_max=4999") == set()
    assert _slugs(client, "q=keripik&price_max=5000") == {"keripik-tempe-bu-sri"}
    assert _slugs(client, "price=50k-100k") == {"keramik-sumber-rejeki"}
    facets = client.get("/api/v1/businesses?q=keramik").json["facets"]
    assert facets["price"] == {"50k-100k": 1}
    facets = client.get("/api/v1/businesses").json["facets"]
    assert facets["price"] == {"50k-100k": 1, "lt10k": 1}
    assert facets["halal"]["1"] == 1 and facets["qris"] == {"0": 1, "1": 1}
    assert_error_shape(client.get("/api/v1/businesses?price_max=murah"), 422)
    assert_error_shape(client.get("/api/v1/businesses?price=cheap"), 422)


def test_stats_count_halal_nib_and_buying_details_by_category_and_kecamatan(app, client, staff):
    _with_buying_details(app, staff)
    stats = client.get("/api/v1/stats").json
    totals = stats["totals"]
    assert (totals["halal_certified"], totals["with_nib"], totals["accept_qris"],
            totals["with_price"]) == (1, 1, 1, 2)
    kuliner = next(c for c in stats["by_category"] if c["slug"] == "kuliner")
    assert kuliner["halal_certified"] == 1 and kuliner["with_nib"] == 0
    blimbing = next(k for k in stats["by_kecamatan"] if k["slug"] == "blimbing")
    assert blimbing["halal_certified"] == 1
    assert sum(k["with_nib"] for k in stats["by_kecamatan"]) == 1


def test_exports_carry_the_new_fields_and_features_csv_imports_back(app, client, staff):
    _with_buying_details(app, staff)
    staff.patch("/businesses/keripik-tempe-bu-sri", json={
        "order_links": ["https://shopee.co.id/kripik"]})
    rows = list(csv.DictReader(io.StringIO(
        client.get("/api/v1/export/businesses.csv").get_data(as_text=True))))
    kripik = next(r for r in rows if r["slug"] == "keripik-tempe-bu-sri")
    assert (kripik["price_min"], kripik["price_max"], kripik["halal"], kripik["qris"]) == (
        "5000", "20000", "ID3511000012", "true")
    assert kripik["order_links"] == "https://shopee.co.id/kripik" and kripik["photos"] == "0"
    records = client.get("/api/v1/export/businesses.json").json["items"]
    record = next(r for r in records if r["slug"] == "keripik-tempe-bu-sri")
    assert record["price_range"] == "Rp5.000–Rp20.000"
    assert record["order_links"] == [{"platform": "shopee", "url": "https://shopee.co.id/kripik"}]
    assert _slugs_of(client.get("/api/v1/export/businesses.csv?halal=1")) == [
        "keripik-tempe-bu-sri"]
    assert _slugs_of(client.get("/api/v1/export/businesses.csv?price_max=10000")) == [
        "keripik-tempe-bu-sri"]
    features = client.get("/api/v1/export/features.csv").get_data()
    with app.app_context():
        report = services.import_bytes(features, "features.csv")
        assert report.errors == [] and report.updated_businesses == 0
    dictionary = client.get("/api/v1/export/dictionary").json
    named = {f["name"] for e in dictionary["exports"] for f in e["fields"]}
    assert {"price_min", "order_links", "qris", "nib", "halal", "pirt", "photos"} <= named


def _slugs_of(response):
    return [r["slug"] for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]


def test_sample_has_prices_links_and_a_few_halal_certificates(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["seed"]).exit_code == 0
    with empty_app.app_context():
        businesses = list(db.session.scalars(select(Business)))
        priced = [b for b in businesses if b.price_min is not None]
        linked = [b for b in businesses if b.order_links]
        halal = [b for b in businesses if b.halal]
        assert len(priced) > len(businesses) / 2 and len(linked) > len(businesses) / 2
        assert 0 < len(halal) < len(businesses) / 4


def test_import_explains_a_bad_buying_value_in_indonesian_too(empty_app):
    data = sheet(("a", "A", ",http://shopee.co.id/x,,,,"), ("b", "B", "Rp40rb-Rp10rb,,,,,"),
                 ("c", "C", ",https://example.com/x,,,,"))
    with empty_app.app_context():
        errors = services.import_bytes(data, "s.csv").errors
        assert [e.code for e in errors] == ["order_https", "price_order", "order_platform"]
        assert "hanya tautan https://" in errors[0].reason_id
        assert "harga terendah lebih dulu" in errors[1].reason_id
        assert "bukan platform pemesanan" in errors[2].reason_id
