"""A live server on 127.0.0.1 with test businesses, and Debian's Chromium driven by Playwright.

The browser is started once per session; every test gets a fresh context (no shared
cookies or cache) whose requests are all recorded.
"""

import contextlib
import csv
import os
import shutil
import struct
import threading
import zlib
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from directory import create_app, follow, services

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-default-apps", "--disable-extensions"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

XSS_NAME = "<img src=x onerror=alert(1)>"

COLUMNS = ["featured_on", "rubric", "slug", "name", "owner", "category", "district", "kelurahan",
           "address", "products", "description", "instagram", "whatsapp", "post_url", "reach",
           "established", "fictional", "sentra", "subsector",
           "latitude", "longitude", "opening_hours", "status"]
# slug -> (sentra, ekraf subsector)
GROUPS = {"keripik-tempe-bu-sri": ("Kampung Sanan", ""),
          "kripik-sanan-pak-darto": ("Kampung Sanan", ""),
          "keramik-dinoyo-jaya": ("Sentra Keramik Dinoyo", "Kriya"),
          "batik-sukun-asri": ("", "Fesyen")}
# Where and when (slug -> latitude, longitude, hours, status). Hours that do not depend on
# the clock ("24/7", none) keep the labels the tests read the same at any hour.
WHERE_WHEN = {
    "keripik-tempe-bu-sri": ("-7.9560", "112.6450", "24/7", ""),
    "kripik-sanan-pak-darto": ("-7.9566", "112.6457", "Senin-Sabtu 08.00-17.00", ""),
    "keripik-tempe-dinoyo": ("-7.9400", "112.6090", "", ""),
    "tempe-mendoan-kedungkandang": ("-7.9720", "112.6600", "24/7", "tutup-sementara"),
    "batik-sukun-asri": ("-7.9810", "112.6010", "", ""),
    "keramik-dinoyo-jaya": ("-7.9405", "112.6095", "24/7", ""),
}
# A tile server on 127.0.0.1: the maps' requests never leave the machine.
def _png(width: int = 256, height: int = 256, rgb=(221, 232, 228)) -> bytes:
    """A one-colour PNG tile."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


TILE_PNG = _png()

# (featured_on, rubric, slug, name, category, district, kelurahan, products, whatsapp, description)
BUSINESSES = [
    ("2021-05-07", "umkm-of-the-week", "keripik-tempe-bu-sri", "Keripik Tempe Bu Sri", "kuliner",
     "Blimbing", "Purwantoro", "keripik tempe; keripik tempe pedas", "0812-3456-7890",
     "Usaha rumahan di Kampung Sanan yang membuat keripik tempe tipis dan renyah sejak 1998."),
    ("2021-05-14", "umkm-of-the-week", "kripik-sanan-pak-darto", "Kripik Sanan Pak Darto",
     "kuliner", "Blimbing", "Purwantoro", "kripik tempe; kripik tempe balado", "+62 813-1111-2222",
     "Kripik tempe khas Sanan dengan bumbu balado."),
    ("2021-06-04", "kuliner-legendaris", "keripik-tempe-dinoyo", "Keripik Tempe Dinoyo", "kuliner",
     "Lowokwaru", "Dinoyo", "keripik tempe; tempe goreng", "6281322223333",
     "Keripik tempe dari Dinoyo, oleh-oleh mahasiswa."),
    ("2021-06-11", "umkm-of-the-week", "tempe-mendoan-kedungkandang", "Tempe Mendoan Bu Yati",
     "kuliner", "Kedungkandang", "Sawojajar", "tempe mendoan; keripik tempe", "081344445555",
     "Tempe mendoan hangat dan keripik tempe."),
    ("2021-07-02", "ekraf-of-the-week", "xss-test", XSS_NAME, "kriya", "Klojen", "Kauman",
     "<b>vas</b>; </script><script>alert(2)</script>", "081355556666",
     "Nama usaha ini menguji bahwa data tampil sebagai teks: </script><script>alert(3)</script>"),
    ("2021-07-09", "ekraf-of-the-week", "batik-sukun-asri", "Batik Sukun Asri", "fesyen", "Sukun",
     "Bandulan", "batik tulis; batik cap", "081366667777", "Batik tulis motif Malangan."),
    ("2021-07-16", "ekraf-of-the-week", "keramik-dinoyo-jaya", "Keramik Dinoyo Jaya", "kriya",
     "Lowokwaru", "Dinoyo", "vas keramik; souvenir keramik", "081377778888",
     "Perajin keramik di sentra Dinoyo."),
    ("2022-03-04", "umkm-of-the-week", "keripik-tempe-bu-sri", "Keripik Tempe Bu Sri", "kuliner",
     "Blimbing", "Purwantoro", "keripik tempe; keripik tempe pedas; keripik tempe original",
     "0812-3456-7890",
     "Usaha rumahan di Kampung Sanan yang membuat keripik tempe tipis dan renyah sejak 1998."),
]
FILLER_COUNT = 24  # "Warung Sambal N" in Sukun, so one filter gives more than a page


def write_test_data(path: Path) -> None:
    """Write the browser tests' businesses in the staff import format."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        rows = list(BUSINESSES)
        for n in range(1, FILLER_COUNT + 1):
            rows.append((f"2020-01-{n:02d}", "umkm-of-the-week", f"warung-sambal-{n}",
                         f"Warung Sambal {n}", "kuliner", "Sukun", "Gadang",
                         "sambal bawang; sambal terasi", f"08571234{n:04d}",
                         "Sambal rumahan pedas."))
        for i, (date, rubric, slug, name, category, district, kelurahan, products, wa,
                description) in enumerate(rows):
            writer.writerow({
                "featured_on": date, "rubric": rubric, "slug": slug, "name": name,
                "owner": "Pemilik Contoh", "category": category, "district": district,
                "kelurahan": kelurahan, "address": f"Jl. Contoh No. {i + 1}",
                "products": products, "description": description,
                "instagram": slug.replace("-", "")[:20], "whatsapp": wa,
                "post_url": f"https://www.instagram.com/p/contoh{i}/", "reach": 1000 + i * 250,
                "established": 1990 + i % 30, "fictional": "true",
                **dict(zip(("latitude", "longitude", "opening_hours", "status"),
                           WHERE_WHEN.get(slug, ("", "", "", "")), strict=True)),
                "sentra": GROUPS.get(slug, ("", ""))[0],
                "subsector": GROUPS.get(slug, ("", ""))[1],
            })


# Photos, a price and order links on a few businesses; the others stay without (as most are).
DRESSED = {
    "keripik-tempe-bu-sri": dict(photos=2, price_min=10000, price_max=35000, qris=True,
                                 halal="ID35110000123450124", nib="1234567890123", order_links=[
                                     {"platform": "gofood", "url": "https://gofood.co.id/x"},
                                     {"platform": "shopee", "url": "https://shopee.co.id/x"}]),
    "kripik-sanan-pak-darto": dict(photos=1, price_min=8000, price_max=8000),
}


def dress_up(app) -> None:
    """Give the DRESSED businesses their illustrative photos and buying details."""
    import random

    from sqlalchemy import select

    from directory import gallery
    from directory.models import Business, db
    from directory.sample import _illustration

    for slug, details in DRESSED.items():
        details = dict(details)
        business = db.session.scalars(select(Business).where(Business.slug == slug)).one()
        rng = random.Random(slug)
        for n in range(details.pop("photos")):
            gallery.add_photo(business, _illustration(business.category_slug, rng, n),
                              caption=f"{business.products[n]}", credit="Ilustrasi contoh")
        for name, value in details.items():
            setattr(business, name, value)
    db.session.commit()
    follow.catch_up()  # the commit logged them; this index applies the log now


def recording(wsgi_app, paths: list):
    """Note every path the server is asked for, also those the browser asks for on its own
    (a favicon), which Playwright's request events do not show."""
    def app(environ, start_response):
        paths.append(environ.get("PATH_INFO", ""))
        return wsgi_app(environ, start_response)
    return closing_files(app)


def closing_files(wsgi_app):
    """Read each answer whole and close it before werkzeug sends it.

    werkzeug's development server skips close() when the browser hangs up mid-answer (a page
    closed while its icon or a script was on its way): the file of a static answer is then
    left open, and its ResourceWarning fails whichever test runs when it is collected.
    """
    def app(environ, start_response):
        answer = wsgi_app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()
    return app


@pytest.fixture(scope="session")
def served_paths():
    """Every path the live server was asked for, in order (all tests of the session)."""
    return []


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, served_paths):
    """Serve the app with the test businesses on a free port of 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("live")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'directory.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp / "index"),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp / 'ratelimit.sqlite3'}",
        "MAP_TILE_URL": "/test-tiles/{z}/{x}/{y}.png",
        "MAP_TILE_ATTRIBUTION": "Ubin uji",
        "PHOTO_DIR": str(tmp / "photos"),
    })
    app.add_url_rule("/test-tiles/<int:z>/<int:x>/<int:y>.png", "test_tile",
                     lambda z, x, y: (TILE_PNG, 200, {"Content-Type": "image/png"}))
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    data = tmp / "businesses.csv"
    write_test_data(data)
    with app.app_context():
        report = services.import_file(data)
        dress_up(app)
    assert not getattr(report, "errors", None), report
    app.wsgi_app = recording(app.wsgi_app, served_paths)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base  # canonical links point at this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["search"].close()


@contextlib.contextmanager
def serving(app):
    """Serve `app` on a free port of 127.0.0.1 for a module's own `live_server` fixture."""
    http = make_server("127.0.0.1", 0, closing_files(app), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=10)
        http.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: run scripts/ensure-test-deps.sh", pytrace=False)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def requests_seen():
    return []


@pytest.fixture
def page(browser, live_server, requests_seen):
    """A fresh page at 1280x800 whose every request is recorded; fails on a JS error."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800},
                                  locale="id-ID")
    context.set_default_timeout(5000)
    page = context.new_page()
    errors = []
    page.on("request", lambda r: requests_seen.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # A Content-Security-Policy violation is only reported on the console.
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
    outside = [url for url in requests_seen if not url.startswith(live_server + "/")]
    assert not outside, f"requests left 127.0.0.1: {outside}"


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# axe-core rules accepted on purpose, each with why; every other violation fails, whatever
# its impact (minor and moderate too).
ACCEPTED_AXE_RULES: dict[str, str] = {}


def assert_no_axe_violations(page) -> None:
    """Scan the page as it is now with axe-core; fail on any violation not accepted above."""
    results = Axe().run(page)
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
             for v in results.response["violations"] if v["id"] not in ACCEPTED_AXE_RULES]
    assert found == [], found
