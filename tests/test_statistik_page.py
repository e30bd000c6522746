"""The Statistik page in real headless Chromium: charts drawn, tables filled, no inline script."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="no Chromium installed")


@pytest.fixture
def server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page(server):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="id-ID")
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        # Nothing may leave the machine: any request to another origin fails the test.
        page.outside = []
        page.on("request", lambda request: request.url.startswith(server)
                or page.outside.append(request.url))
        yield page
        browser.close()


def test_statistik_draws_every_chart_with_its_table_and_export_link(app, page, server):
    stats = app.test_client().get("/api/v1/stats").json
    segments = sum(1 for month in stats["by_month"] for n in month["by_rubric"].values() if n)
    page.goto(f"{server}/statistik")
    page.wait_for_selector("#chart-months svg rect")
    assert "11 usaha" in page.locator("#summary").inner_text()
    assert page.locator("#fictional").is_visible()
    # One stacked bar segment per month and rubric that has appearances.
    assert page.locator("#chart-months svg rect").count() == segments
    assert page.locator("#table-months tbody tr").count() == len(stats["by_month"])
    assert page.locator("#chart-kecamatan svg rect").count() == 5
    assert page.locator("#chart-category svg rect").count() == 9
    for chart in ("months", "kecamatan", "category"):
        svg = page.locator(f"#chart-{chart} svg")
        assert svg.get_attribute("role") == "img"
        assert svg.locator("title").first.text_content()
    rows = page.locator("#table-kecamatan tbody tr")
    assert rows.count() == 5
    assert "Klojen" in page.locator("#table-kecamatan").inner_text()
    link = page.locator("#table-kecamatan a").first.get_attribute("href")
    assert link.startswith("/api/v1/export/businesses.csv?district=")
    assert page.locator("#table-months table caption").count() == 1
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "statistik.png"), full_page=True)
    assert page.errors == [] or all("style.css" in e or "404" in e for e in page.errors)
    assert page.outside == []


def test_statistik_page_forbids_inline_script_and_other_origins(app):
    with app.test_client().get("/statistik") as response:
        html = response.get_data(as_text=True)
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in html and "http" not in html.replace('lang="id"', "")
