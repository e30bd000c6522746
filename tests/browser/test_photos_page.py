"""Photos, prices and order buttons in Chromium: cards, gallery, budget, nothing jumps."""

import re

from playwright.sync_api import expect

SHOWN = "[...document.images].filter((i) => i.getBoundingClientRect().top < innerHeight)"


def wait_for_images(page) -> None:
    """Wait until the images on screen have loaded (wait_for_function would need eval: CSP)."""
    for _ in range(100):
        if page.evaluate(f"() => {SHOWN}.every((i) => i.complete)"):
            return
        page.wait_for_timeout(50)
    raise AssertionError("images did not finish loading")


def test_card_shows_the_first_photo_lazy_with_srcset_in_a_fixed_frame(page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/?q=keripik+tempe")
    card = page.locator(".card", has=page.get_by_role("link", name="Keripik Tempe Bu Sri"))
    image = card.locator(".photo img")
    expect(image).to_have_attribute("loading", "lazy")
    expect(image).to_have_attribute("srcset", re.compile(r"-320\.jpg 320w, .*-640\.jpg 640w"))
    expect(card.locator("source[type='image/webp']")).to_have_attribute(
        "srcset", re.compile(r"-320\.webp 320w"))
    expect(card.locator(".price")).to_have_text("Harga Rp10.000–Rp35.000")
    expect(card.locator(".badge.halal")).to_have_text("Halal")
    frame = card.locator(".photo").bounding_box()
    assert abs(frame["width"] / frame["height"] - 4 / 3) < 0.02
    # A business without photos gets a tile of the same shape, not a broken image.
    bare = page.locator(".card", has=page.get_by_role("link", name="Keripik Tempe Dinoyo"))
    expect(bare.locator(".photo.none")).to_have_text("Kuliner")
    assert bare.locator("img").count() == 0
    tile = bare.locator(".photo").bounding_box()
    assert abs(tile["width"] / tile["height"] - 4 / 3) < 0.02


CARD_BOXES = """() => [...document.querySelectorAll('.card')].map((card) => {
    const box = card.getBoundingClientRect();
    return [Math.round(box.top + scrollY), Math.round(box.height)];
  })"""


def test_photos_do_not_move_the_page_as_they_load(page):
    # Photos are held back until the cards are measured: each one arrives afterwards.
    held, measured = [], []
    page.route(re.compile(r"/photos/"),
               lambda route: route.continue_() if measured else held.append(route))
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/?q=keripik+tempe")
    expect(page.locator(".card .photo img").first).to_be_attached()  # the cards are drawn
    before = page.evaluate(CARD_BOXES)
    measured.append(True)
    for route in held:
        route.continue_()
    wait_for_images(page)
    page.mouse.wheel(0, 2000)
    expect(page.locator(".card").last).to_be_in_viewport()  # scrolled to the end
    wait_for_images(page)  # and the photos scrolled into view have arrived
    assert page.locator(".card .photo img").count() >= 2
    assert page.evaluate("[...document.querySelectorAll('.card .photo img')]"
                         ".every((i) => i.complete && i.naturalWidth > 0)")
    assert page.evaluate(CARD_BOXES) == before  # every card where and as tall as it was


def test_search_page_with_photos_stays_within_its_byte_budget_on_a_phone(page, live_server):
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/?q=keripik+tempe")
    expect(page.locator(".card .photo img").first).to_be_visible()
    wait_for_images(page)
    page.wait_for_load_state("networkidle")  # nothing more on its way (500 ms without)
    sizes = {r.url: len(r.body()) for r in responses if r.ok}
    images = [url for url in sizes if "/photos/" in url]
    assert images and all(url.endswith(".webp") for url in images)  # WebP where supported
    assert not any("-1280." in url for url in images)  # a phone gets a small rendition
    assert sum(sizes.values()) < 250 * 1024, sizes


def test_business_page_gallery_order_buttons_and_share_image(page, live_server):
    page.goto("/b/keripik-tempe-bu-sri")
    gallery = page.get_by_role("region", name="Foto Keripik Tempe Bu Sri")
    expect(gallery.locator("figure")).to_have_count(2)
    expect(gallery.locator("img").first).to_have_attribute("alt", "keripik tempe")
    expect(page.get_by_role("link", name=re.compile("^GoFood"))).to_have_attribute(
        "href", "https://gofood.co.id/x")
    expect(page.get_by_role("link", name=re.compile("^Shopee"))).to_have_attribute(
        "target", "_blank")
    expect(page.get_by_text("Bersertifikat halal").first).to_be_visible()
    expect(page.get_by_text("Terdaftar: NIB 1234567890123")).to_be_visible()
    og = page.locator("meta[property='og:image']").get_attribute("content")
    assert "/photos/" in og and og.endswith(".jpg")
    assert page.request.get(live_server + og[og.index("/photos/"):]).ok
    wait_for_images(page)
    loaded = page.evaluate(f"() => {SHOWN}.map((i) => i.naturalWidth)")
    assert loaded and all(width > 0 for width in loaded)


def test_filters_for_halal_qris_and_price_work_in_the_page(page):
    page.goto("/?q=tempe")
    page.locator("#filters").evaluate("(d) => { d.open = true; }")
    page.get_by_label(re.compile("^Bersertifikat halal")).check()
    expect(page).to_have_url(re.compile(r"halal=1"))
    expect(page.locator("#cards .card")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("Hapus saringan Halal"))).to_be_visible()
