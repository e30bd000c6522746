"""The business page, data shown as text, no third-party requests, axe-core, screenshots."""

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_axe_violations

SEARCH_LABEL = "Cari usaha, produk, atau tempat"
XSS_NAME = "<img src=x onerror=alert(1)>"  # imported by conftest.py


def test_business_page_shows_every_detail_and_appearance(page):
    page.goto("/b/keripik-tempe-bu-sri")
    expect(page).to_have_title(re.compile(r"^Keripik Tempe Bu Sri · Kuliner di Blimbing"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Keripik Tempe Bu Sri")
    expect(page.locator(".facts")).to_contain_text("keripik tempe original")
    expect(page.locator(".facts")).to_contain_text("Pemilik Contoh")
    appearances = page.locator(".timeline li")
    expect(appearances).to_have_count(2)
    expect(appearances.first).to_contain_text("4 Maret 2022")
    expect(appearances.nth(1)).to_contain_text("7 Mei 2021")
    expect(appearances.nth(1)).to_contain_text("UMKM of The Week")
    expect(appearances.first.get_by_role("link")).to_have_attribute(
        "href", "https://www.instagram.com/p/contoh7/")
    expect(page.get_by_role("link", name=re.compile("^Chat WhatsApp"))).to_have_attribute(
        "href", "https://wa.me/6281234567890")
    jsonld = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert jsonld["@type"] == "LocalBusiness"
    assert jsonld["telephone"] == "+6281234567890"


def test_business_page_search_box_leads_to_results(page):
    page.goto("/b/batik-sukun-asri")
    box = page.get_by_role("combobox", name=SEARCH_LABEL)
    box.fill("keramik")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/\?q=keramik$"))
    expect(page.get_by_role("link", name="Keramik Dinoyo Jaya", exact=True)).to_be_visible()


def test_a_name_made_of_html_stays_inert_text(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/?district=klojen")
    card = page.locator("#cards .card").filter(has_text="onerror")
    expect(card.get_by_role("link", name=XSS_NAME, exact=True)).to_be_visible()
    expect(card.locator(".products")).to_contain_text("<b>vas</b>")
    expect(card.locator("img, b, script")).to_have_count(0)

    card.get_by_role("link", name=XSS_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(XSS_NAME)
    expect(page.locator("main")).to_contain_text("</script><script>alert(3)</script>")
    expect(page.locator("main img, main b")).to_have_count(0)
    assert page.evaluate("document.scripts.length") == 3  # common.js, app.js and the JSON-LD
    assert dialogs == []


def test_no_request_leaves_127_0_0_1(page, requests_seen, live_server):
    page.goto("/")
    expect(page.locator("#latest .card")).to_have_count(6)
    page.get_by_role("combobox", name=SEARCH_LABEL).fill("sambal")
    page.get_by_role("combobox", name=SEARCH_LABEL).press("Enter")
    expect(page.locator("#cards .card")).to_have_count(20)
    page.get_by_role("button", name="Muat lebih banyak").click()
    expect(page.locator("#cards .card")).to_have_count(24)
    page.locator("#cards .card .name a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Warung Sambal")
    page.goto("/b/no-such-business")

    assert len(requests_seen) > 8
    assert all(url.startswith(live_server + "/") for url in requests_seen), requests_seen


def test_suggestions_are_a_keyboard_operable_combobox(page):
    items = [{"text": "keripik tempe", "kind": "product"}, {"text": "Kriya", "kind": "category"},
             {"text": "Klojen", "kind": "place"}]
    page.route(re.compile(r"/api/v1/suggest\?q=kri"), lambda r: r.fulfill(json={"items": items}))
    page.goto("/")
    box = page.get_by_role("combobox", name=SEARCH_LABEL)
    box.press_sequentially("kri")

    expect(page.get_by_role("listbox")).to_be_visible()
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(3)
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "sg-1")
    expect(page.get_by_role("option", name=re.compile("^Kriya"))).to_have_attribute(
        "aria-selected", "true")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/\?category=kriya$"))
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#cards .card")).to_have_count(2)

    box.fill("")
    box.press_sequentially("kri")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(3)
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


@pytest.mark.parametrize("status", [404, 500])
def test_suggestions_stay_quiet_when_the_endpoint_fails(page, status):
    calls = []

    def failing(route):
        calls.append(route.request.url)
        route.fulfill(status=status, json={"error": {"status": status, "code": "not_found",
                                                     "message": "Not found."}})

    page.route(re.compile(r"/api/v1/suggest\?"), failing)
    page.goto("/")
    box = page.get_by_role("combobox", name=SEARCH_LABEL)
    with page.expect_response(re.compile(r"/api/v1/suggest\?")):
        box.press_sequentially("bat")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press_sequentially("ik")
    box.press("Enter")

    expect(page.get_by_role("link", name="Batik Sukun Asri", exact=True)).to_be_visible()
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert calls  # asked, and a failed answer left no trace on the page


# Every page a person opens, and what shows it is drawn. The staff page signed in is scanned
# by tests/browser/test_staff_page.py, which has a token.
PAGES = {
    "home": ("/", "#latest .card"),
    "results": ("/?q=tempe&district=blimbing", "#cards .card"),
    "map": ("/?q=tempe&view=peta", ".leaflet-marker-icon"),
    "business": ("/b/keripik-tempe-bu-sri", ".timeline li"),
    "statistik": ("/statistik", "#table-category table"),  # the last part drawn
    "staff": ("/staff", "#token-form"),
    "api-docs": ("/api/docs", "#content h2"),
    "privacy": ("/privasi", "main h1"),
    "not-found": ("/tidak-ada-halaman-ini", "main h1"),
    "business-not-found": ("/b/tidak-ada-usaha-ini", "main h1"),
    "sentra": ("/sentra/kampung-sanan", ".sentra-list li"),
    "sentra-list": ("/sentra", ".sentra-list li"),
}


@pytest.mark.parametrize("width,height", [(360, 640), (1280, 800)])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_pass_axe_and_are_photographed(page, screenshots, name, width, height):
    path, ready = PAGES[name]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(path)
    expect(page.locator(ready).first).to_be_visible()
    # The API reference is many screens long: its first screen is the picture.
    page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=name != "api-docs")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert_no_axe_violations(page)


def test_sentra_page_lists_its_businesses_and_leads_to_the_filtered_search(page):
    page.goto("/sentra/kampung-sanan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kampung Sanan")
    expect(page.locator(".lead")).to_contain_text("tujuh sentra produksi")
    items = page.locator(".sentra-list li")
    expect(items).to_have_count(2)
    expect(items.first.get_by_role("link")).to_have_text("Keripik Tempe Bu Sri")
    page.get_by_role("link", name="Saring di halaman pencarian").click()
    expect(page).to_have_url(re.compile(r"/\?sentra=kampung-sanan$"))
    expect(page.locator("#cards .card")).to_have_count(2)
    expect(page.get_by_role("button", name="Hapus saringan Sentra: Kampung Sanan")).to_be_visible()


def test_search_page_offers_sentra_and_subsector_facets_and_shows_them_on_cards(page):
    page.goto("/?q=keramik")
    card = page.locator("#cards .card").filter(has_text="Keramik Dinoyo Jaya")
    expect(card).to_contain_text("Ekraf: Kriya")
    expect(card.get_by_role("link", name="Sentra Keramik Dinoyo")).to_have_attribute(
        "href", "/sentra/sentra-keramik-dinoyo")
    page.goto("/?district=blimbing")  # at 1280 px the filter panel is open
    sentra = page.locator("#facets fieldset").filter(has_text="Sentra")
    sentra.get_by_label(re.compile(r"^Kampung Sanan")).check()
    expect(page).to_have_url(re.compile(r"sentra=kampung-sanan"))
    expect(page.locator("#cards .card")).to_have_count(2)
    page.goto("/b/batik-sukun-asri")
    expect(page.locator(".facts")).to_contain_text("Fesyen")
