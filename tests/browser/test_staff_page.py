"""The staff page in real headless Chromium: token, this week's appearance, upload with a
dry run, reindex progress and the audit log, against a live werkzeug server."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from directory import auth, services

from ..conftest import make_app
from ..staff_helpers import generate_businesses
from .conftest import assert_no_axe_violations, serving

SHEET = ("tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk\n"
         "06/06/2025;umkm-of-the-week;Pecel Madiun Mbok Sum;kuliner;Klojen;Kauman;pecel\n"
         "13/06/2025;umkm-of-the-week;Tanpa Kategori;;Klojen;Kauman;x\n")
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def staff_app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        services.import_file(DATA / "businesses.csv")
        generate_businesses(800)  # a reindex long enough to watch its progress
        services.reindex()
    yield app
    app.extensions["search"].close()


@pytest.fixture
def client(staff_app):
    return staff_app.test_client()


@pytest.fixture
def token(staff_app):
    with staff_app.app_context():
        return auth.create_token("ani")


@pytest.fixture
def live_server(staff_app):
    """This test's own server: the shared `page` fixture checks requests against it."""
    with serving(staff_app) as base:
        yield base


@pytest.fixture
def page(page):
    """The shared page (fails on JS errors, CSP violations, requests leaving 127.0.0.1),
    given time for a reindex and a list of the answers that were errors."""
    page.set_default_timeout(20_000)
    page.problems = []
    page.on("response", lambda response: response.status >= 400
            and page.problems.append(f"{response.status} {response.url}"))
    return page


def wait_text(page, selector: str, text: str, timeout: float = 20_000) -> None:
    # expect() polls from Playwright's side: wait_for_function would need 'unsafe-eval'.
    expect(page.locator(selector)).to_contain_text(text, timeout=timeout)


def text_of(page, selector: str) -> str:
    return page.locator(selector).text_content() or ""


def test_staff_page_in_chromium_token_appearance_upload_reindex_audit(
        page, live_server, token, client, tmp_path, screenshots):
    page.goto("/staff")
    assert page.locator("#staff-tools").is_hidden()

    page.fill("#token-input", "salah")
    page.click("#token-form button")
    wait_text(page, "#token-status", "Token")
    page.fill("#token-input", token)
    page.click("#token-form button")
    page.wait_for_selector("#staff-tools:not([hidden])")
    assert "Masuk sebagai ani" in text_of(page, "#token-status")
    assert page.evaluate("sessionStorage.getItem('staffToken')") == token

    # An existing business, found by search, gets this week's appearance.
    page.fill("#find-input", "rawon")
    page.click("#find-form button")
    page.click("#find-results button")
    assert "Rawon Pak Darmo" in text_of(page, "#chosen-business")
    page.select_option("#rubric-select", "umkm-of-the-week")
    page.fill("#featured-on", "2025-06-06")
    page.fill("#feature-form input[name=post_url]", "https://www.instagram.com/p/BARU1/")
    page.click("#feature-submit")
    wait_text(page, "#appearance-status", "ditambahkan")
    years = client.get("/api/v1/businesses?year=2025").json["items"]
    assert [item["slug"] for item in years] == ["rawon-pak-darmo"]

    # Where and when: a pasted map link gives the point; hours typed the Indonesian way.
    page.fill("#maps-url", "https://www.google.com/maps/@-7.9666,112.6326,17z")
    page.fill("#opening-hours", "Senin-Sabtu 08.00-17.00; Minggu tutup")
    page.select_option("#status-select", "tutup-sementara")
    page.click("#where-submit")
    wait_text(page, "#where-status", "disimpan (titik -7.9666, 112.6326)")
    assert page.input_value("#latitude") == "-7.9666"
    assert page.input_value("#opening-hours") == "Mo-Sa 08:00-17:00; Su off"
    rawon = client.get("/api/v1/businesses/rawon-pak-darmo").json
    assert rawon["location"] == {"lat": -7.9666, "lon": 112.6326}
    assert rawon["status"] == "tutup-sementara"
    page.fill("#latitude", "-7.25")  # Surabaya: refused, in Indonesian with the API's reason
    page.fill("#longitude", "112.75")
    page.click("#where-submit")
    wait_text(page, "#where-status", "outside Kota Malang")
    page.problems[:] = [p for p in page.problems if not p.startswith("422 ")]  # provoked

    # A new business, created from the page; its name is shown as text, never as HTML.
    page.click("#new-business summary")
    page.fill("#business-form input[name=name]", "Es Campur <b>Tebal</b>")
    page.select_option("#category-select", "kuliner")
    page.select_option("#kelurahan-select", "kauman")
    page.fill("#business-form input[name=products]", "es campur; es teler")
    page.click("#business-form button")
    wait_text(page, "#appearance-status", "dibuat")
    assert "Es Campur <b>Tebal</b>" in text_of(page, "#chosen-business")
    assert page.locator("#chosen-business b").count() == 0
    page.click("#feature-submit")
    wait_text(page, "#appearance-status", "es-campur-b-tebal-b")
    assert client.get("/api/v1/businesses?q=teler").json["total"] == 1

    # Upload: the dry run reports and writes nothing; confirming imports.
    sheet = tmp_path / "minggu-ini.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    page.set_input_files("#upload-file", str(sheet))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-confirm:not([hidden])")
    assert "Uji coba" in text_of(page, "#upload-summary")
    assert "1 usaha baru" in text_of(page, "#upload-summary")
    assert "wajib diisi" in text_of(page, "#upload-errors")
    assert client.get("/api/v1/businesses?q=pecel").json["total"] == 0
    page.click("#upload-confirm")
    wait_text(page, "#upload-status", "Impor selesai")
    assert client.get("/api/v1/businesses?q=pecel").json["total"] == 1

    # Reindex: the progress is shown while it runs, then the result.
    page.click("#reindex-start")
    wait_text(page, "#reindex-status", "Sedang membangun")
    wait_text(page, "#reindex-status", "Selesai", timeout=60_000)
    assert page.eval_on_selector("#reindex-progress", "bar => bar.value") == 1
    assert "813 usaha diindeks" in text_of(page, "#reindex-status")

    # The audit log lists what was done, newest first.
    page.click("#audit-refresh")
    wait_text(page, "#audit-rows", "bangun ulang indeks")
    audit = text_of(page, "#audit-rows")
    for action in ("tampilan ditambah", "usaha dibuat", "impor berkas"):
        assert action in audit
    page.screenshot(path=str(screenshots / "staff-page.png"), full_page=True)
    assert page.problems == [f"401 {live_server}/api/v1/admin/me"], page.problems  # wrong token


def test_staff_page_speaks_indonesian_about_refusals_dates_and_times(page, token):
    page.goto("/staff")
    page.fill("#token-input", token)
    page.click("#token-form button")
    page.wait_for_selector("#staff-tools:not([hidden])")

    page.fill("#find-input", "rawon")
    page.click("#find-form button")
    expect(page.locator("#find-results li").first).to_contain_text(
        "Rawon Pak Darmo · Kauman · Kuliner")
    page.click("#find-results button")
    page.select_option("#rubric-select", "umkm-of-the-week")
    page.fill("#featured-on", "2025-06-06")
    page.click("#feature-submit")
    wait_text(page, "#appearance-status",
              "Tampilan UMKM of The Week tanggal 6 Juni 2025 ditambahkan untuk Rawon Pak Darmo")
    page.click("#feature-submit")  # the same appearance again
    wait_text(page, "#appearance-status", "Bentrok dengan data yang sudah ada.")

    page.click("#new-business summary")
    page.fill("#business-form input[name=name]", "Nomor Salah")
    page.select_option("#category-select", "kuliner")
    page.select_option("#kelurahan-select", "kauman")
    page.fill("#business-form input[name=whatsapp]", "123")
    page.click("#business-form button")
    wait_text(page, "#appearance-status", "Isian belum benar. whatsapp:")

    expect(page.locator("#audit-table thead")).to_contain_text("Waktu (WIB)")
    wait_text(page, "#audit-rows", "UMKM of The Week 6 Juni 2025")
    # UTC 'YYYY-MM-DDTHH:MM:SS' shown as Malang's time, e.g. '6 Jun 2025, 18.34'.
    expect(page.locator("#audit-rows td").first).to_have_text(
        re.compile(r"^\d{1,2} \w{3} \d{4},? \d{2}[.:]\d{2}$"))
    assert_no_axe_violations(page)  # signed in, with a refusal, results and the audit log


def test_staff_page_import_report_in_indonesian_with_columns_suggestions_and_businesses(
        page, token, tmp_path):
    page.goto("/staff")
    page.fill("#token-input", token)
    page.click("#token-form button")
    page.wait_for_selector("#staff-tools:not([hidden])")
    sheet = tmp_path / "excel.csv"
    # Saved by Excel as plain "CSV": Windows-1252.
    sheet.write_bytes((
        "tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk\n"
        "06/06/2025;umkm-of-the-week;Café Mbok Sum;kuliner;Klojen;Kauman;kopi, teh\n"
        "06/06/2025;kuliner-legendaris;Rawon Pak Darmo;kuliner;Klojen;Kauman;rawon\n"
        "06/06/2025;umkm-of-the-week;Toko X;kuliner;Lowokwaroe;Tlogomas;x\n"
        "31/02/2025;umkm-of-the-week;Toko Y;kuliner;Lowokwaru;Tlogomas;x\n").encode("cp1252"))
    page.set_input_files("#upload-file", str(sheet))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-confirm:not([hidden])")
    rows = page.locator("#upload-errors tr")
    expect(rows.nth(0)).to_have_text(re.compile(
        r"^4\s*kecamatan\s*'Lowokwaroe' bukan kecamatan di Kota Malang; "
        r"mungkin maksudnya 'Lowokwaru'\?$"))
    expect(rows.nth(1)).to_have_text(re.compile(
        r"^5\s*tanggal\s*tanggal '31/02/2025' tidak ada: Februari 2025 hanya 28 hari$"))
    warnings = text_of(page, "#upload-warnings")
    assert "dibaca sebagai Windows-1252" in warnings
    assert "baris 2, produk: 'kopi, teh' dibaca sebagai satu produk" in warnings
    page.click("#upload-created summary")
    expect(page.locator("#upload-created")).to_contain_text("Usaha yang akan dibuat (1)")
    expect(page.locator("#upload-created li")).to_have_text(["Café Mbok Sum (cafe-mbok-sum)"])
    page.click("#upload-updated summary")
    expect(page.locator("#upload-updated li")).to_have_text(
        ["Rawon Pak Darmo (rawon-pak-darmo)"])
    assert page.problems == [], page.problems
