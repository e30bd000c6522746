"""Drafts from the Instagram archive, reviewed and published on the staff page in Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from directory import auth, services

from ..test_instagram import archive_zip
from .conftest import assert_no_axe_violations, serving


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    from ..conftest import make_app

    tmp = tmp_path_factory.mktemp("instagram")
    app = make_app(tmp, DRAFT_PHOTO_DIR=str(tmp / "drafts"))
    with app.app_context():  # the API tests' businesses: Keramik Sumber Rejeki is one
        services.import_file(Path(__file__).resolve().parents[1] / "data" / "businesses.csv")
        token = auth.create_token("ani")
    (tmp / "arsip.zip").write_bytes(archive_zip())
    yield app, token, tmp / "arsip.zip"
    app.extensions["search"].close()


@pytest.fixture(scope="module")
def live_server(live_app):
    """This module's own server: the shared `page` fixture checks requests against it."""
    with serving(live_app[0]) as base:
        yield base


def test_staff_review_and_publish_drafts_from_the_archive(page, live_app, screenshots):
    _, token, zip_path = live_app
    page.goto("/staff")
    page.fill("#token-input", token)
    page.click("#token-form button[type=submit]")
    expect(page.locator("#drafts")).to_contain_text("Tidak ada draf yang menunggu.")

    page.set_input_files("#instagram-file", str(zip_path))
    page.click("#instagram-form button[type=submit]")
    expect(page.locator("#instagram-summary")).to_contain_text(
        "Uji coba: akan dibuat 3 draf dari 4 unggahan")
    page.click("#instagram-confirm")
    drafts = page.locator("#drafts article.draft")
    expect(drafts).to_have_count(3)

    tutik = page.get_by_role("article", name="Draf Keripik Tempe Mbak Tutik")
    expect(tutik.locator(".caption mark").first).to_contain_text("Keripik Tempe Mbak Tutik")
    expect(tutik.locator(".caption")).to_contain_text("← nama")
    expect(tutik.locator("select[name=kelurahan]")).to_have_value("purwantoro")
    tutik.locator("input[name=name]").fill("Keripik Tempe Bu Tutik")
    tutik.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "staff-instagram-draft-1280.png")
    assert_no_axe_violations(page)  # three drafts open for review, their forms filled in
    tutik.get_by_role("button", name="Terbitkan sebagai usaha baru").click()
    expect(drafts).to_have_count(2)
    expect(page.locator("#instagram-status")).to_contain_text("Terbit: keripik-tempe-bu-tutik")

    keramik = page.get_by_role("article", name="Draf Keramik Sumber Rejeki")
    expect(keramik).to_contain_text("Sepertinya usaha yang sudah ada")
    keramik.get_by_role("button", name="Gabungkan: tampilan baru untuk keramik-sumber-rejeki") \
        .click()
    expect(drafts).to_have_count(1)
    page.get_by_role("article", name="Draf Rawon Mbah Ndut") \
        .get_by_role("button", name="Buang").click()
    expect(page.locator("#drafts")).to_contain_text("Tidak ada draf yang menunggu.")

    page.goto("/?q=tutik")
    expect(page.locator("#cards .card")).to_contain_text(["Keripik Tempe Bu Tutik"])
