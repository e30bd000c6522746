"""The search page in a real Chromium: search, filters, URL state, load more, failures."""

import contextlib
import re
from datetime import datetime

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

SEARCH_LABEL = "Cari usaha, produk, atau tempat"


def search(page, text):
    box = page.get_by_role("combobox", name=SEARCH_LABEL)
    box.fill(text)
    box.press("Enter")


def card_named(page, name):
    link = page.get_by_role("link", name=name, exact=True)
    return page.locator("#cards .card").filter(has=link)


def test_search_kripik_tempe_shows_keripik_tempe_cards(page):
    page.goto("/")
    search(page, "kripik tempe")

    expect(page).to_have_url(re.compile(r"/\?q=kripik\+tempe$"))
    cards = page.locator("#cards .card")
    # The citizen's spelling finds both spellings: "kripik" and "keripik" makers alike.
    for name in ("Kripik Sanan Pak Darto", "Keripik Tempe Bu Sri"):
        expect(card_named(page, name)).to_be_visible()
    for text in cards.all_inner_texts():
        assert re.search(r"ke?ripik tempe", text, re.IGNORECASE), text
    expect(cards.first.locator(".products mark").first).to_have_text(
        re.compile("^ke?ripik$", re.IGNORECASE))
    expect(page.locator("#status")).to_contain_text("usaha ditemukan")


def test_search_keripik_tempe_finds_every_keripik_tempe_maker(page):
    page.goto("/?q=keripik+tempe")
    for name in ("Keripik Tempe Bu Sri", "Keripik Tempe Dinoyo"):
        expect(card_named(page, name)).to_be_visible()
    card = card_named(page, "Keripik Tempe Bu Sri")
    expect(card.locator(".badge.rubric")).to_have_text("UMKM of The Week · 4 Maret 2022")
    expect(card.locator(".badge.fict")).to_have_text("Contoh fiktif")
    expect(card.locator(".place")).to_have_text("Purwantoro, Kec. Blimbing")
    expect(card.get_by_role("link", name=re.compile("^Instagram"))).to_have_attribute(
        "href", "https://www.instagram.com/keripiktempebusri/")


def test_picking_a_kecamatan_updates_the_url_and_the_counts(page):
    page.goto("/?q=tempe")
    kuliner = page.locator("label[for='f-category-kuliner']")
    expect(kuliner).to_have_text("Kuliner (4)")
    expect(page.locator("#cards .card")).to_have_count(4)

    page.get_by_role("checkbox", name=re.compile(r"^Blimbing")).check()

    expect(page).to_have_url(re.compile(r"/\?q=tempe&district=blimbing$"))
    expect(kuliner).to_have_text("Kuliner (2)")
    expect(page.locator("#cards .card")).to_have_count(2)
    expect(page.locator("#status")).to_have_text("2 usaha ditemukan")
    # Facets are disjunctive: the other kecamatan stay on offer with their counts.
    expect(page.locator("label[for='f-district-lowokwaru']")).to_have_text("Lowokwaru (1)")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Blimbing"))).to_be_focused()
    expect(page.get_by_role("button", name="Hapus saringan Kecamatan: Blimbing")).to_be_visible()


def test_back_forward_and_reload_restore_the_state(page):
    page.goto("/")
    expect(page.get_by_role("heading", name="Terbaru tampil di rubrik")).to_be_visible()
    search(page, "tempe")
    expect(page.locator("#cards .card")).to_have_count(4)
    page.get_by_role("checkbox", name=re.compile(r"^Blimbing")).check()
    expect(page.locator("#cards .card")).to_have_count(2)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?q=tempe$"))
    expect(page.locator("#cards .card")).to_have_count(4)
    expect(page.get_by_role("checkbox", name=re.compile(r"^Blimbing"))).not_to_be_checked()
    page.go_back()
    expect(page.get_by_role("heading", name="Terbaru tampil di rubrik")).to_be_visible()
    expect(page.get_by_role("combobox", name=SEARCH_LABEL)).to_have_value("")
    page.go_forward()
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/\?q=tempe&district=blimbing$"))
    expect(page.locator("#cards .card")).to_have_count(2)
    page.reload()
    expect(page.get_by_role("combobox", name=SEARCH_LABEL)).to_have_value("tempe")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Blimbing"))).to_be_checked()
    expect(page.locator("#cards .card")).to_have_count(2)


def test_opening_a_business_and_going_back_restores_the_results(page, live_server):
    page.goto("/?q=tempe&district=blimbing")
    page.get_by_role("link", name="Keripik Tempe Bu Sri", exact=True).click()

    expect(page).to_have_url(f"{live_server}/b/keripik-tempe-bu-sri")
    expect(page.get_by_role("heading", level=1)).to_have_text("Keripik Tempe Bu Sri")
    page.get_by_role("link", name="← Kembali ke hasil pencarian").click()

    expect(page).to_have_url(re.compile(r"/\?q=tempe&district=blimbing$"))
    expect(page.get_by_role("combobox", name=SEARCH_LABEL)).to_have_value("tempe")
    expect(page.get_by_role("checkbox", name=re.compile(r"^Blimbing"))).to_be_checked()
    expect(page.locator("#cards .card")).to_have_count(2)

    card_named(page, "Kripik Sanan Pak Darto").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kripik Sanan Pak Darto")
    page.go_back()
    expect(page.locator("#cards .card")).to_have_count(2)


def test_whatsapp_button_opens_a_chat_with_the_right_number(page):
    page.goto("/?q=keripik+tempe")
    whatsapp = card_named(page, "Keripik Tempe Bu Sri").get_by_role(
        "link", name=re.compile("^WhatsApp"))
    # Imported as "0812-3456-7890".
    expect(whatsapp).to_have_attribute("href", "https://wa.me/6281234567890")


def test_home_shows_latest_features_and_ways_in(page):
    page.goto("/")
    expect(page.locator("#latest .card")).to_have_count(6)
    expect(page.locator("#latest .card").first).to_contain_text("UMKM of The Week · 4 Maret 2022")
    expect(page.get_by_role("link", name="Blimbing 2 usaha")).to_be_visible()

    page.get_by_role("link", name="Kriya 2 usaha").click()

    expect(page).to_have_url(re.compile(r"/\?category=kriya$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar usaha")
    category = page.locator("#facets fieldset").filter(has_text="Kategori")  # not the subsector
    expect(category.get_by_role("checkbox", name=re.compile(r"^Kriya"))).to_be_checked()
    expect(page.locator("#cards .card")).to_have_count(2)


def test_load_more_appends_the_next_page_and_survives_reload(page):
    page.goto("/?district=sukun")
    cards = page.locator("#cards .card")
    expect(cards).to_have_count(20)
    page.get_by_role("button", name="Muat lebih banyak").click()

    expect(cards).to_have_count(25)
    expect(page).to_have_url(re.compile(r"/\?district=sukun&page=2$"))
    expect(page.get_by_role("button", name="Muat lebih banyak")).to_be_hidden()
    expect(cards.nth(20).get_by_role("link").first).to_be_focused()
    page.reload()
    expect(cards).to_have_count(25)


def test_failed_request_shows_a_friendly_message_and_retries(page):
    failing = {"on": True}

    def flaky(route):
        if failing["on"]:
            route.abort()
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/businesses\?"), flaky)
    page.goto("/?q=batik")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Maaf, data belum bisa dimuat")

    failing["on"] = False
    page.get_by_role("button", name="Coba lagi").click()
    expect(card_named(page, "Batik Sukun Asri")).to_be_visible()
    expect(alert).to_have_count(0)


def test_empty_results_offer_the_apis_did_you_mean(page):
    def no_results(route):
        route.fulfill(json={
            "items": [], "total": 0, "page": 1, "per_page": 20,
            "facets": {"category": {}, "district": {}, "rubric": {}, "year": {}},
            "links": {"self": None, "next": None, "prev": None}, "suggestion": "keripik",
        })

    page.route(re.compile(r"/api/v1/businesses\?q=kerpik"), no_results)
    page.goto("/?q=kerpik")
    expect(page.get_by_text("Tidak ada usaha yang cocok dengan “kerpik”.")).to_be_visible()
    expect(page.locator(".didyoumean")).to_have_text("Mungkin maksud Anda keripik?")

    page.get_by_role("link", name="keripik", exact=True).click()
    expect(page).to_have_url(re.compile(r"/\?q=keripik$"))
    expect(card_named(page, "Keripik Tempe Bu Sri")).to_be_visible()


def test_highlights_from_the_api_are_marked_as_text(page):
    def highlighted(route):
        response = route.fetch()
        data = response.json()
        for item in data["items"]:
            item["highlights"] = {"name": [[0, 7]],
                                  "products": [[[0, 7]] for _ in item["products"]],
                                  "description": {"text": "renyah <b>sekali</b>",
                                                  "ranges": [[0, 6]]}}
        route.fulfill(response=response, json=data)

    page.route(re.compile(r"/api/v1/businesses\?q="), highlighted)
    page.goto("/?q=keripik+tempe+bu+sri")
    card = card_named(page, "Keripik Tempe Bu Sri")
    expect(card.locator(".name mark")).to_have_text("Keripik")
    expect(card.locator(".products mark").first).to_have_text("keripik")
    expect(card.locator(".snippet mark")).to_have_text("renyah")
    expect(card.locator(".snippet")).to_contain_text("renyah <b>sekali</b>")
    expect(card.locator(".snippet b")).to_have_count(0)


def test_a_query_the_api_refuses_gets_advice_not_a_retry(page):
    page.goto("/?q=" + "x" * 201)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Pencarian ini tidak dapat diproses")
    expect(alert.get_by_role("button", name="Coba lagi")).to_have_count(0)


def test_a_busy_api_asks_to_wait_and_retry_not_to_reword(page):
    busy = {"on": True}

    def limited(route):
        if busy["on"]:
            route.fulfill(status=429, headers={"Retry-After": "20"},
                          json={"error": {"status": 429, "code": "too_many_requests",
                                          "message": "Too many requests."}})
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/businesses\?"), limited)
    page.goto("/?q=batik")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Layanan sedang sibuk")
    expect(alert).not_to_contain_text("Periksa kata pencarian")

    busy["on"] = False
    alert.get_by_role("button", name="Coba lagi").click()
    expect(card_named(page, "Batik Sukun Asri")).to_be_visible()


def test_a_fault_of_the_page_is_not_blamed_on_the_connection(page):
    # A body the page cannot read is its own problem, not the reader's network.
    page.route(re.compile(r"/api/v1/businesses\?"),
               lambda route: route.fulfill(status=200, body="<html>not json</html>"))
    page.goto("/?q=batik")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("halaman ini mengalami gangguan")
    expect(alert).not_to_contain_text("sambungan internet")


def test_a_lost_connection_is_named_as_such(page):
    page.route(re.compile(r"/api/v1/businesses\?"), lambda route: route.abort())
    page.goto("/?q=batik")
    expect(page.get_by_role("alert")).to_contain_text("Periksa sambungan internet")


def test_a_few_typo_matches_still_offer_the_apis_did_you_mean(page):
    def few(route):
        response = route.fetch()
        data = response.json()
        data["suggestion"] = "batik"
        route.fulfill(response=response, json=data)

    page.route(re.compile(r"/api/v1/businesses\?q=batk"), few)
    page.goto("/?q=batk")
    expect(card_named(page, "Batik Sukun Asri")).to_be_visible()
    hint = page.locator(".didyoumean")
    expect(hint).to_have_text("Mungkin maksud Anda batik?")
    # Under the results' heading, not above it.
    heading_y = page.locator("#h-results").bounding_box()["y"]
    assert hint.bounding_box()["y"] > heading_y
    hint.get_by_role("link", name="batik").click()
    expect(page).to_have_url(re.compile(r"/\?q=batik$"))
    expect(page.locator(".didyoumean")).to_have_count(0)


def test_no_results_explain_under_the_heading_without_an_empty_filter_panel(page):
    page.goto("/?q=xyzzyqq")
    empty = page.locator(".empty")
    expect(empty).to_contain_text("Tidak ada usaha yang cocok dengan “xyzzyqq”.")
    assert empty.bounding_box()["y"] > page.locator("#h-results").bounding_box()["y"]
    expect(page.locator("#filters")).to_be_hidden()

    search(page, "batik")
    expect(card_named(page, "Batik Sukun Asri")).to_be_visible()
    expect(page.locator("#filters")).to_be_visible()
    expect(page.locator(".empty")).to_have_count(0)


def test_back_from_a_business_returns_to_the_same_place_in_a_long_list(page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/?district=sukun")
    page.get_by_role("button", name="Muat lebih banyak").click()
    expect(page.locator("#cards .card")).to_have_count(25)
    target = page.get_by_role("link", name="Warung Sambal 3", exact=True)
    target.scroll_into_view_if_needed()
    # The page notes the position in its history entry once scrolling settles.
    page.wait_for_function("() => history.state && history.state.y === window.scrollY"
                           " && window.scrollY > 0")
    before = page.evaluate("window.scrollY")
    assert before > 2000
    target.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warung Sambal 3")

    page.get_by_role("link", name="← Kembali ke hasil pencarian").click()
    expect(page.locator("#cards .card")).to_have_count(25)
    page.wait_for_function(f"Math.abs(window.scrollY - {before}) < 5")
    expect(page.get_by_role("link", name="Warung Sambal 3", exact=True)).to_be_in_viewport()


def test_enter_cancels_a_suggestion_still_on_its_way_and_the_list_stays_shut(page):
    held = []  # the suggestion answers, held back like a slow connection would
    page.route(re.compile(r"/api/v1/suggest\?"), lambda route: held.append(route))
    page.goto("/")
    box = page.get_by_role("combobox", name=SEARCH_LABEL)
    with page.expect_request(re.compile(r"/api/v1/suggest\?q=sambal")):
        box.press_sequentially("sambal")
    with page.expect_event("requestfailed", lambda r: "/api/v1/suggest" in r.url):
        box.press("Enter")  # the page gives the suggestion request up
    expect(page.locator("#cards .card").first).to_be_visible()
    for route in held:  # the answer arrives after all: too late to matter
        with contextlib.suppress(PlaywrightError):
            route.fulfill(json={"items": [{"text": "sambal bawang", "kind": "product"}]})
    expect(page.locator("#suggest")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#suggest li")).to_have_count(0)


def test_enter_before_the_typing_pause_ends_asks_for_no_suggestion_at_all(page, requests_seen):
    page.clock.install(time=datetime(2026, 11, 29, 8, 0))
    page.goto("/")
    # From here the page's timers run only when the test advances them.
    page.clock.pause_at(datetime(2026, 11, 29, 9, 0))
    box = page.get_by_role("combobox", name=SEARCH_LABEL)
    box.fill("seblak")
    box.press("Enter")
    expect(page.locator("#status")).to_contain_text("usaha")
    page.clock.run_for(2000)  # well past the pause after which suggestions are asked for
    # A request made after those timers ran: any suggestion request came before it.
    assert page.evaluate("fetch('/api/v1/rubrics').then((r) => r.status)") == 200
    assert [url for url in requests_seen if "/api/v1/suggest" in url] == []
    expect(page.locator("#suggest")).to_be_hidden()


def test_new_words_start_a_new_search_without_the_old_filters_and_sort(page):
    page.goto("/?q=keramik&district=lowokwaru&sort=name")
    expect(page.locator("#cards .card")).to_have_count(1)
    expect(page.locator("#active li")).to_have_count(1)

    search(page, "tempe")

    expect(page).to_have_url(re.compile(r"/\?q=tempe$"))
    expect(page.locator("#cards .card")).to_have_count(4)
    expect(page.locator("#active li")).to_have_count(0)
    expect(page.locator("#sort")).to_have_value("")
    # The same words again (Enter pressed twice) keep what was picked for them.
    page.get_by_role("checkbox", name=re.compile(r"^Blimbing")).check()
    expect(page.locator("#cards .card")).to_have_count(2)
    search(page, "tempe")
    expect(page).to_have_url(re.compile(r"/\?q=tempe&district=blimbing$"))
    expect(page.locator("#cards .card")).to_have_count(2)
