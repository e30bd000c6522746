"""The staff page's "Apa yang dicari warga" in real headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from directory import auth, querylog, services

from .conftest import assert_no_axe_violations, serving, write_test_data


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    from ..conftest import make_app

    tmp = tmp_path_factory.mktemp("searches")
    app = make_app(tmp)
    data = tmp / "businesses.csv"
    write_test_data(data)
    bottles = tmp / "bottles.csv"
    bottles.write_text("featured_on,rubric,name,category,district,kelurahan,products,description,"
                       "fictional\n2024-02-02,umkm-of-the-week,Botol Custom Mas Rio,kriya,Klojen,"
                       "Kauman,botol minum custom,Botol minum dengan nama sendiri.,true\n")
    with app.app_context():
        services.import_file(data)
        assert not services.import_file(bottles).errors
        token = auth.create_token("ani")
    client = app.test_client()
    for query, times in (("keripik tempe", 4), ("vermak celana", 3), ("tumbler", 3),
                         ("sepatu roda", 1)):
        for _ in range(times):
            assert client.get("/api/v1/businesses", query_string={"q": query}).status_code == 200
    with app.app_context():
        querylog.flush()
    yield app, token
    app.extensions["search"].close()


@pytest.fixture(scope="module")
def live_server(live_app):
    """This module's own server: the shared `page` fixture checks requests against it."""
    with serving(live_app[0]) as base:
        yield base


def test_staff_see_what_citizens_searched_and_what_nobody_offers(page, live_app, screenshots):
    page.goto("/staff")
    page.fill("#token-input", live_app[1])
    page.click("#token-form button[type=submit]")

    expect(page.locator("#popular-rows")).to_contain_text("keripik tempe")
    expect(page.locator("#searches-totals")).to_contain_text("11 pencarian dalam 30 hari")
    zero = page.locator("#zero-rows tr")
    # "sepatu roda" was searched once: counted in the totals, never listed.
    expect(zero).to_have_text([re.compile("^tumbler3"), re.compile("^vermak celana3")])
    expect(zero.last.get_by_role("link", name="Coba cari vermak celana")) \
        .to_have_attribute("href", "/?q=vermak+celana")
    expect(page.locator("#demand-rows")).to_contain_text("vermak")
    expect(page.locator("#demand-rows")).not_to_contain_text("tempe")

    with page.expect_download() as download:
        page.click("#demand-csv")
    path = download.value.path()
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == \
        "word,searches,offered_by,examples"
    page.locator("#searches-title").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "staff-searches-1280.png", full_page=False)
    assert_no_axe_violations(page)  # signed in, the search tables filled


def test_the_privacy_page_says_what_is_kept_in_indonesian(page):
    page.goto("/privasi")
    expect(page.locator("h1")).to_have_text("Privasi")
    expect(page.locator("main")).to_contain_text("alamat IP")
    expect(page.locator("main")).to_contain_text("kurang dari 3 kali dalam sehari")


def test_a_synonym_added_on_the_staff_page_fixes_a_zero_result_search(page, live_app,
                                                                         screenshots):
    page.goto("/staff")
    page.fill("#token-input", live_app[1])
    page.click("#token-form button[type=submit]")
    expect(page.locator("#vocabulary-list")).to_contain_text("Belum ada tambahan.")

    page.fill("#vocabulary-input", "tumbler, botol minum")
    page.click("#vocabulary-form button[type=submit]")
    expect(page.locator("#vocabulary-check-summary")).to_contain_text(
        "Baris ini memperbaiki 1 pencarian tanpa hasil")
    expect(page.locator("#vocabulary-fixes")).to_have_text(
        ["“tumbler” (3 kali tanpa hasil) kini menemukan 1 usaha"])
    page.locator("#vocabulary-title").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "staff-vocabulary-1280.png")
    page.click("#vocabulary-save")
    expect(page.locator("#vocabulary-status")).to_contain_text("Tersimpan")
    expect(page.locator("#vocabulary-list")).to_contain_text("tumbler, botol minum")
    # The public search finds the bottle maker at once: no reindex, no deploy.
    page.goto("/?q=tumbler")
    expect(page.locator("#cards .card")).to_contain_text(["Botol Custom Mas Rio"])

    page.goto("/staff")
    page.get_by_role("button", name="Hapus tumbler, botol minum").click()
    expect(page.locator("#vocabulary-list")).to_contain_text("Belum ada tambahan.")
