"""The staff page's "Apa yang dicari warga" in real headless Chromium."""

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from directory import auth, querylog, services

from .conftest import write_test_data


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    from ..conftest import make_app

    tmp = tmp_path_factory.mktemp("searches")
    app = make_app(tmp)
    data = tmp / "businesses.csv"
    write_test_data(data)
    with app.app_context():
        services.import_file(data)
        token = auth.create_token("ani")
    client = app.test_client()
    for query, times in (("keripik tempe", 4), ("vermak celana", 3), ("sepatu roda", 1)):
        for _ in range(times):
            assert client.get("/api/v1/businesses", query_string={"q": query}).status_code == 200
    with app.app_context():
        querylog.flush()
    yield app, token
    app.extensions["search"].close()


@pytest.fixture(scope="module")
def live_server(live_app):
    """This module's own server: the shared `page` fixture checks requests against it."""
    http = make_server("127.0.0.1", 0, live_app[0], threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)
    http.server_close()


def test_staff_see_what_citizens_searched_and_what_nobody_offers(page, live_app, screenshots):
    page.goto("/staff")
    page.fill("#token-input", live_app[1])
    page.click("#token-form button[type=submit]")

    expect(page.locator("#popular-rows")).to_contain_text("keripik tempe")
    expect(page.locator("#searches-totals")).to_contain_text("8 pencarian dalam 30 hari")
    zero = page.locator("#zero-rows tr")
    expect(zero).to_have_count(1)  # "sepatu roda" was searched once: never listed
    expect(zero.first).to_contain_text("vermak celana")
    expect(zero.first.get_by_role("link", name="Coba cari vermak celana")) \
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


def test_the_privacy_page_says_what_is_kept_in_indonesian(page):
    page.goto("/privasi")
    expect(page.locator("h1")).to_have_text("Privasi")
    expect(page.locator("main")).to_contain_text("alamat IP")
    expect(page.locator("main")).to_contain_text("kurang dari 3 kali dalam sehari")
