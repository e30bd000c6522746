"""Where and when in a real Chromium: the results map, the business map, "Dekat saya" with a
faked geolocation (granted and refused), hours and directions; nothing leaves 127.0.0.1."""

import json
import re

from playwright.sync_api import expect

SANAN = {"latitude": -7.9561, "longitude": 112.6451}  # beside Keripik Tempe Bu Sri
COUNT_GEOLOCATION = """
window.__geoCalls = 0;
const real = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
navigator.geolocation.getCurrentPosition = (...args) => { window.__geoCalls += 1; real(...args); };
"""


def names(page):
    return page.locator("#cards .card .name").all_inner_texts()


def test_results_map_clusters_markers_and_a_marker_opens_the_card(page, requests_seen,
                                                                 live_server):
    page.goto("/?q=keripik+tempe")
    page.get_by_role("button", name="Peta").click()

    expect(page).to_have_url(re.compile(r"view=peta"))
    expect(page.get_by_role("region", name="Peta hasil pencarian")).to_be_visible()
    expect(page.locator("#cards")).to_be_hidden()
    # Bu Sri and Pak Darto are 100 m apart in Sanan: one cluster at the city's scale.
    expect(page.locator(".marker-cluster")).to_have_count(1)
    expect(page.locator(".marker-cluster")).to_have_text("2")
    page.get_by_role("button", name="Keripik Tempe Dinoyo").click()
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link", name="Keripik Tempe Dinoyo", exact=True)).to_be_visible()
    expect(popup.get_by_role("link", name=re.compile("^Petunjuk arah"))).to_have_attribute(
        "href", "https://www.google.com/maps/dir/?api=1&destination=-7.94,112.609")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Ubin uji")
    assert any("/test-tiles/" in url for url in requests_seen)

    page.get_by_role("button", name="Daftar").click()
    expect(page.locator("#cards .card")).to_have_count(4)
    expect(page.get_by_role("region", name="Peta hasil pencarian")).to_be_hidden()


def test_dekat_saya_asks_only_when_tapped_then_sorts_by_distance(page):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(SANAN)
    page.add_init_script(COUNT_GEOLOCATION)
    page.goto("/?q=tempe")
    expect(page.locator("#cards .card")).to_have_count(4)
    assert page.evaluate("window.__geoCalls") == 0  # never asked on its own

    page.get_by_role("button", name="Dekat saya").click()

    expect(page).to_have_url(re.compile(r"near=-7\.9561%2C112\.6451"))
    expect(page.locator("#cards .card").first.locator(".name")).to_have_text(
        "Keripik Tempe Bu Sri")
    assert names(page)[:2] == ["Keripik Tempe Bu Sri", "Kripik Sanan Pak Darto"]
    expect(page.locator("#cards .card").first.locator(".dist")).to_have_text(
        re.compile(r"^\d+ m dari lokasi Anda$"))
    expect(page.get_by_role("button", name="Hapus saringan Dekat lokasi Anda")).to_be_visible()
    assert page.evaluate("window.__geoCalls") == 1


def test_dekat_saya_refused_says_so_and_keeps_the_list(page):
    page.context.clear_permissions()
    page.goto("/?q=tempe")
    expect(page.locator("#cards .card")).to_have_count(4)
    before = names(page)

    page.get_by_role("button", name="Dekat saya").click()

    expect(page.locator("#geo-msg")).to_contain_text("Izin lokasi tidak diberikan")
    expect(page).to_have_url(re.compile(r"/\?q=tempe$"))
    assert names(page) == before
    expect(page.get_by_role("button", name="Dekat saya")).to_be_enabled()


def test_cards_show_open_labels_and_directions(page):
    page.goto("/?q=tempe")
    bu_sri = page.locator("#cards .card").filter(has_text="Keripik Tempe Bu Sri")
    expect(bu_sri.locator(".hours")).to_have_text("Buka sekarang")  # 24/7
    mendoan = page.locator("#cards .card").filter(has_text="Tempe Mendoan Bu Yati")
    expect(mendoan.locator(".hours")).to_have_text("Tutup sementara")
    expect(bu_sri.get_by_role("link", name=re.compile("^Petunjuk arah"))).to_have_attribute(
        "href", "https://www.google.com/maps/dir/?api=1&destination=-7.956,112.645")


def test_open_now_checkbox_filters_and_stays_in_the_url(page):
    page.goto("/?q=tempe")
    page.get_by_role("checkbox", name="Buka sekarang").check()
    expect(page).to_have_url(re.compile(r"open_now=1"))
    # Bu Sri is open 24/7; Mendoan is closed for now; Dinoyo has no hours.
    expect(page.locator("#cards .card").filter(has_text="Keripik Tempe Bu Sri")).to_be_visible()
    expect(page.locator("#cards .card").filter(has_text="Tempe Mendoan")).to_have_count(0)
    expect(page.locator("#cards .card").filter(has_text="Keripik Tempe Dinoyo")).to_have_count(0)


def test_business_page_has_its_map_hours_directions_and_geo(page, requests_seen):
    page.goto("/b/keripik-tempe-bu-sri")
    expect(page.locator(".hours")).to_have_text("Buka sekarang")
    expect(page.get_by_role("region", name="Peta letak Keripik Tempe Bu Sri")
           .locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("^Petunjuk arah"))).to_have_attribute(
        "href", "https://www.google.com/maps/dir/?api=1&destination=-7.956,112.645")
    expect(page.locator("table.week tr")).to_have_count(7)
    jsonld = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert jsonld["geo"] == {"@type": "GeoCoordinates", "latitude": -7.956, "longitude": 112.645}
    assert jsonld["openingHoursSpecification"][0]["opens"] == "00:00"


def test_a_temporarily_closed_business_says_so_and_claims_no_hours(page):
    page.goto("/b/tempe-mendoan-kedungkandang")
    expect(page.locator(".notice.closed")).to_contain_text("Tutup sementara")
    jsonld = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert "openingHoursSpecification" not in jsonld
