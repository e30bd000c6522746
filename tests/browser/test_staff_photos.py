"""The staff page's photos, prices and order links in Chromium, against a live server."""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from directory import auth, services

from ..conftest import make_app
from .conftest import assert_no_axe_violations, serving

DATA = Path(__file__).resolve().parents[1] / "data"


def jpeg(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def served(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        services.import_file(DATA / "businesses.csv")
        token = auth.create_token("ani")
    with serving(app) as base:
        yield base, token, app.test_client()
    app.extensions["search"].close()


@pytest.fixture
def live_server(served):
    """This test's own server: the shared `page` fixture checks requests against it."""
    return served[0]


@pytest.fixture
def staff_page(page, served):
    """The shared page (fails on JS errors, CSP violations, requests leaving 127.0.0.1),
    signed in, with Keripik Tempe Bu Sri chosen."""
    page.set_viewport_size({"width": 1100, "height": 900})
    page.set_default_timeout(20_000)
    page.goto("/staff")
    page.fill("#token-input", served[1])
    page.click("#token-form button")
    page.wait_for_selector("#staff-tools:not([hidden])")
    page.fill("#find-input", "keripik")
    page.click("#find-form button")
    page.click("#find-results button")
    page.wait_for_selector("#more-section:not([hidden])")
    return page


def test_staff_set_price_links_and_legal_numbers_on_the_page(staff_page, served):
    page, client = staff_page, served[2]
    form = page.locator("#buying-form")
    form.locator("input[name=price_range]").fill("Rp10.000 - Rp35.000")
    form.locator("textarea[name=order_links]").fill("https://example.com/toko")
    form.locator("button").click()
    expect(page.locator("#buying-status")).to_contain_text("order_links")
    assert client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["price_range"] is None
    form.locator("textarea[name=order_links]").fill(
        "https://gofood.co.id/malang/restaurant/kripik\nhttps://shopee.co.id/kripik")
    form.locator("select[name=qris]").select_option("true")
    form.locator("input[name=halal]").fill("ID35110000123450124")
    form.locator("button").click()
    expect(page.locator("#buying-status")).to_contain_text("Tersimpan")
    public = client.get("/api/v1/businesses/keripik-tempe-bu-sri").json
    assert public["price_range"] == "Rp10.000–Rp35.000" and public["qris"] is True
    assert [link["label"] for link in public["order_links"]] == ["GoFood", "Shopee"]
    assert public["halal"] == "ID35110000123450124"


def test_staff_upload_caption_reorder_and_remove_photos_on_the_page(staff_page, served):
    page, client = staff_page, served[2]
    expect(page.locator("#photo-list")).to_contain_text("Belum ada foto")
    for name, color, caption in (("satu.jpg", (200, 60, 40), "Tempe dijemur"),
                                 ("dua.jpg", (40, 120, 60), "Kemasan")):
        page.set_input_files("#photo-file", files=[
            {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(color)}])
        page.fill("#photo-form input[name=caption]", caption)
        page.click("#photo-form button")
        expect(page.locator("#photo-status")).to_contain_text("Foto ditambahkan")
    expect(page.locator("#photo-list img")).to_have_count(2)
    assert_no_axe_violations(page)  # the photo list with its captions and buttons
    captions = lambda: [p["caption"] for p in  # noqa: E731
                        client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["photos"]]
    assert captions() == ["Tempe dijemur", "Kemasan"]

    page.locator("#photo-list li").nth(0).get_by_role("button", name="↓ Turun").click()
    expect(page.locator("#photo-status")).to_contain_text("Urutan foto disimpan")
    assert captions() == ["Kemasan", "Tempe dijemur"]

    first = page.locator("#photo-list li").nth(0)
    first.locator("input[name=alt]").fill("Kemasan keripik 250 gram")
    first.get_by_role("button", name="Simpan").click()
    # "Urutan foto disimpan." is on show already: wait for this save's own words.
    expect(page.locator("#photo-status")).to_contain_text("Foto 1 disimpan")
    card = client.get("/api/v1/businesses?q=keripik").json["items"][0]["photo"]
    assert card["alt"] == "Kemasan keripik 250 gram"

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#photo-list li").nth(1).get_by_role("button", name="Hapus").click()
    expect(page.locator("#photo-status")).to_contain_text("Foto dihapus")
    assert captions() == ["Kemasan"]

    page.set_input_files("#photo-file", files=[
        {"name": "bukan-foto.jpg", "mimeType": "image/jpeg", "buffer": b"surat, bukan foto"}])
    page.click("#photo-form button")
    expect(page.locator("#photo-status")).to_contain_text("Berkas bukan foto")
