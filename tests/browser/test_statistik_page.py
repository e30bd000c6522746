"""The Statistik page in headless Chromium: every chart drawn, its table filled, its link."""

from playwright.sync_api import expect


def test_statistik_draws_every_chart_with_its_table_and_export_link(page, screenshots):
    stats = page.request.get("/api/v1/stats").json()
    segments = sum(1 for month in stats["by_month"] for n in month["by_rubric"].values() if n)
    page.goto("/statistik")
    expect(page.locator("#chart-months svg")).to_be_visible()
    total = f"{stats['totals']['businesses']} usaha"
    expect(page.locator("#summary")).to_contain_text(total)
    expect(page.locator("#fictional")).to_be_visible()
    # One stacked segment per month and rubric with appearances; one bar per row.
    expect(page.locator("#chart-months svg rect")).to_have_count(segments)
    expect(page.locator("#chart-kecamatan svg rect")).to_have_count(5)
    expect(page.locator("#chart-category svg rect")).to_have_count(9)
    for chart in ("months", "kecamatan", "category"):
        svg = page.locator(f"#chart-{chart} svg")
        assert svg.get_attribute("role") == "img"
        assert svg.locator("title").first.text_content()
    expect(page.locator("#table-months tbody tr")).to_have_count(len(stats["by_month"]))
    expect(page.locator("#table-kecamatan tbody tr")).to_have_count(5)
    sukun = next(k for k in stats["by_kecamatan"] if k["slug"] == "sukun")
    row = page.locator("#table-kecamatan tbody tr", has_text="Sukun")
    expect(row).to_contain_text(str(sukun["businesses"]))
    href = row.locator("a").get_attribute("href")
    assert href.startswith("/api/v1/export/businesses.csv?district=sukun")
    download = page.request.get(href)
    assert download.ok and download.body().startswith(b"\xef\xbb\xbfslug;")
    page.screenshot(path=str(screenshots / "statistik.png"), full_page=True)


def test_statistik_page_forbids_inline_script_and_other_origins(page):
    response = page.goto("/statistik")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.text()
    assert "<script>" not in html and "https://" not in html


def test_statistik_charts_keep_readable_labels_on_a_phone(page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/statistik")
    for chart in ("months", "kecamatan", "category"):
        svg = page.locator(f"#chart-{chart} svg")
        expect(svg).to_be_visible()
        # Drawn at the width it is shown at: a 12px label stays about 12px on screen.
        drawn = float(svg.get_attribute("viewBox").split()[2])
        shown = svg.bounding_box()["width"]
        assert abs(drawn - shown) < 2, (chart, drawn, shown)
    label = page.locator("#chart-category svg text").first.bounding_box()
    assert label["height"] >= 10


def test_statistik_tables_say_when_they_scroll_sideways_on_a_phone(page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/statistik")
    expect(page.locator("#table-kecamatan table")).to_be_visible()
    page.get_by_text("Lihat angkanya dalam tabel").click()  # the months table, folded away
    expect(page.locator("#table-months table")).to_be_visible()
    scrolling = 0
    for wrap in page.locator(".table-wrap").all():
        hint = page.locator(f"#{wrap.get_attribute('id')}-hint")
        if wrap.evaluate("(w) => w.scrollWidth > w.clientWidth + 1"):
            scrolling += 1
            expect(hint).to_be_visible()
            expect(hint).to_have_text("Geser tabel ke samping untuk melihat semua kolom →")
            expect(wrap).to_have_attribute("tabindex", "0")  # a keyboard can scroll it too
            expect(wrap).to_have_attribute("aria-describedby", f"{wrap.get_attribute('id')}-hint")
        else:
            expect(hint).to_be_hidden()
    assert scrolling >= 2  # numbers are beyond the edge at 360 px: the case that matters
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_statistik_tables_that_fit_carry_no_scroll_hint(page):
    page.goto("/statistik")  # 1280 px wide
    expect(page.locator("#table-kecamatan table")).to_be_visible()
    expect(page.locator("#table-kecamatan-hint")).to_be_hidden()
    expect(page.locator("#table-category-hint")).to_be_hidden()
