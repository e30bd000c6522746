"""The citizen's pages through Flask's test client: meta tags, JSON-LD, headers, budget."""

import json
import re
from html.parser import HTMLParser

import pytest

from directory import services
from directory.pages import FRONTEND_DIR
from directory.pages.assets import EARLIER_ASSET_URLS
from directory.pages.filters import format_date_id, format_phone

BUDGET_BYTES = 60 * 1024

HOSTILE_CSV = (
    "featured_on,rubric,slug,name,category,district,kelurahan,products,description,whatsapp\n"
    '2021-07-02,ekraf-of-the-week,xss-test,<img src=x onerror=alert(1)>,kriya,Klojen,Kauman,'
    '"<b>vas</b>; </script><script>alert(2)</script>",'
    '"Teks: </script><script>alert(3)</script> & <!-- -->",081355556666\n'
)


class PageParser(HTMLParser):
    """Collect meta tags, scripts with their text, and inline style attributes."""

    def __init__(self):
        super().__init__()
        self.meta, self.scripts, self.styled, self.title = {}, [], [], ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.styled.append(tag)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name")] = attrs["content"]
        if tag == "script":
            self.scripts.append({"attrs": attrs, "text": ""})
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1]["text"] += data
        elif self._in == "title":
            self.title += data


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture
def hostile(app, write_file):
    """Add a business whose name, products and description are HTML."""
    with app.app_context():
        report = services.import_file(write_file("hostile.csv", HOSTILE_CSV))
    assert not report.errors, report.errors
    return app


def test_business_page_has_title_description_and_opengraph(client):
    response = client.get("/b/keripik-tempe-bu-sri")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = parse(response)
    assert page.title.startswith("Keripik Tempe Bu Sri · Kuliner di Blimbing")
    assert page.meta["og:title"] == "Keripik Tempe Bu Sri"
    assert page.meta["og:type"] == "business.business"
    assert page.meta["og:url"] == "http://127.0.0.1:5000/b/keripik-tempe-bu-sri"
    assert page.meta["og:description"] == page.meta["description"]
    assert "Purwantoro, Blimbing" in page.meta["description"]


@pytest.mark.parametrize("headers", [
    {"Host": "evil.example"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
])
def test_public_base_url_decides_the_links_never_the_host_header(app, client, headers):
    app.config["PUBLIC_BASE_URL"] = "https://umkm.malangkota.go.id"
    response = client.get("/b/keripik-tempe-bu-sri", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "evil.example" not in html
    page = parse(response)
    expected = "https://umkm.malangkota.go.id/b/keripik-tempe-bu-sri"
    assert page.meta["og:url"] == expected
    assert f'<link rel="canonical" href="{expected}">' in html
    (block,) = [s for s in page.scripts if s["attrs"].get("type") == "application/ld+json"]
    data = json.loads(block["text"])
    assert (data["@id"], data["url"]) == (expected, expected)


@pytest.mark.parametrize("value", ["umkm.malangkota.go.id", "ftp://x.example", "https://",
                                   "https://x.example/?a=1"])
def test_a_public_base_url_that_is_not_a_site_stops_the_app_from_starting(tmp_path, value):
    from tests.conftest import make_app

    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        make_app(tmp_path, PUBLIC_BASE_URL=value)


def test_business_page_renders_every_detail_as_text(client):
    html = client.get("/b/keripik-tempe-bu-sri").get_data(as_text=True)
    for text in ("Sri Wahyuni", "Jl. Sanan No. 12", "keripik tempe pedas", "+62 812-3456-0001",
                 "7 Mei 2021", "https://www.instagram.com/p/TEST0001/", "menjangkau 3.120 akun",
                 "https://wa.me/6281234560001", "Contoh fiktif"):
        assert text in html


def test_business_page_carries_local_business_json_ld(client):
    page = parse(client.get("/b/keripik-tempe-bu-sri"))
    (block,) = [s for s in page.scripts if s["attrs"].get("type") == "application/ld+json"]
    data = json.loads(block["text"])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Keripik Tempe Bu Sri"
    assert data["url"] == "http://127.0.0.1:5000/b/keripik-tempe-bu-sri"
    assert data["telephone"] == "+6281234560001"
    assert data["address"]["addressLocality"] == "Purwantoro, Blimbing"
    assert data["address"]["addressCountry"] == "ID"
    assert {o["itemOffered"]["name"] for o in data["makesOffer"]} >= {"keripik tempe"}


def test_json_ld_cannot_be_broken_out_of_by_the_data(hostile):
    response = hostile.test_client().get("/b/xss-test")
    html = response.get_data(as_text=True)
    page = parse(response)
    (block,) = [s for s in page.scripts if s["attrs"].get("type") == "application/ld+json"]
    data = json.loads(block["text"])
    assert data["name"] == "<img src=x onerror=alert(1)>"
    assert "</script><script>alert(3)</script>" in data["description"]
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # Exactly three scripts: common.js and app.js by URL, and the JSON-LD data block.
    assert sorted(s["attrs"].get("src", "ld")[:12] for s in page.scripts) == [
        "/assets/app.", "/assets/comm", "ld"]


@pytest.mark.parametrize("path", ["/", "/b/keripik-tempe-bu-sri", "/b/no-such-business",
                                  "/assets/app.js", "/assets/style.css"])
def test_pages_and_assets_carry_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_business_gets_an_html_404_page(client):
    response = client.get("/b/no-such-business")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Usaha tidak ditemukan" in response.get_data(as_text=True)
    assert parse(response).meta["robots"] == "noindex"


def test_home_is_the_app_shell_with_labelled_search(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="id">' in html
    assert '<label for="q"' in html and 'role="combobox"' in html
    assert re.search(r'<script src="/assets/app\.js\?v=\d+" defer>', html)


def test_assets_are_served_with_their_types(client):
    for path, mimetype in (("/assets/app.js", "text/javascript"),
                           ("/assets/style.css", "text/css")):
        with client.get(path) as response:
            assert response.status_code == 200
            assert response.mimetype == mimetype
    with client.get("/assets/../pyproject.toml") as response:
        assert response.status_code == 404


@pytest.mark.parametrize("path", ["/", "/b/keripik-tempe-bu-sri", "/b/no-such-business"])
def test_pages_have_no_inline_script_style_or_handlers(client, path):
    page = parse(client.get(path))
    assert page.styled == []
    for script in page.scripts:
        assert script["attrs"].get("src") or script["attrs"].get("type") == "application/ld+json"


def test_frontend_fits_the_60_kb_budget():
    # The Statistik (stats.*), staff (staff.*, staff-*.js), sentra (sentra*.html), privacy and
    # API reference (api-docs.*) pages are pages of their own, not part of the search page:
    # opening the search page never loads them. The maps' code (map/map.js and vendor/
    # Leaflet) loads only when a citizen opens a map, so it is not in this budget either.
    files = [p for p in FRONTEND_DIR.iterdir() if p.suffix in {".html", ".css", ".js"}
             and not p.name.startswith(("stats.", "staff.", "staff-", "sentra", "privacy.",
                                        "api-docs."))]
    assert {"index.html", "app.js", "style.css"} <= {p.name for p in files}
    assert sum(p.stat().st_size for p in files) <= BUDGET_BYTES


def test_frontend_names_no_other_origin():
    # Our own files; the vendored libraries (frontend/vendor/) are held to the same rule in
    # the browser, where no request may leave 127.0.0.1 (tests/browser/test_map.py).
    for path in (p for p in FRONTEND_DIR.iterdir() if p.is_file()):
        text = path.read_text(encoding="utf-8")
        # Only link targets in data may point elsewhere; no file loads from another origin.
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path.name
        assert "@import" not in text and "fonts.googleapis" not in text


@pytest.mark.parametrize("iso,text", [
    ("2021-05-07", "7 Mei 2021"), ("2022-12-31", "31 Desember 2022"), (None, ""),
])
def test_dates_are_written_the_indonesian_way(iso, text):
    assert format_date_id(iso) == text


def test_phone_numbers_are_grouped_for_reading():
    assert format_phone("+6281234567890") == "+62 812-3456-7890"
    assert format_phone(None) == ""


@pytest.mark.parametrize("path", ["/statistik", "/assets/stats.js", "/staff",
                                  "/assets/staff.js", "/api/docs", "/assets/api-docs.js"])
def test_every_other_page_has_the_same_policy(client, path):
    from directory.pages import CONTENT_SECURITY_POLICY

    with client.get(path) as response:
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_page_gets_an_html_404_for_people_and_json_for_programs(client):
    page = client.get("/tidak-ada", headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Halaman tidak ditemukan" in page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    program = client.get("/tidak-ada", headers={"Accept": "application/json"})
    assert program.status_code == 404 and program.get_json()["error"]["status"] == 404
    api = client.get("/api/v1/tidak-ada", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


SPREADSHEET_CSV = re.compile(r"/api/v1/export/[a-z]+\.csv\?[^\s\"'`)<]*bom=1[^\s\"'`)<]*")


@pytest.mark.parametrize("path", ["/", "/b/keripik-tempe-bu-sri", "/statistik"])
def test_the_pages_spreadsheet_csv_links_use_semicolons_for_indonesian_excel(client, path):
    with client.get(path) as response:
        html = response.get_data(as_text=True).replace("&amp;", "&")
    links = SPREADSHEET_CSV.findall(html)
    assert links, "no spreadsheet CSV link"
    assert [link for link in links if "delimiter=semicolon" not in link] == []


def test_the_readme_and_docs_give_semicolons_for_indonesian_excel():
    root = FRONTEND_DIR.parent
    for doc in [root / "README.md", *(root / "docs").glob("*.md")]:
        links = SPREADSHEET_CSV.findall(doc.read_text(encoding="utf-8"))
        assert [link for link in links if "delimiter=semicolon" not in link] == [], doc.name
    assert SPREADSHEET_CSV.findall((root / "README.md").read_text(encoding="utf-8"))


def test_favicon_ico_answers_with_the_sites_icon_instead_of_a_404(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.get_data()


PAGES = ["/", "/b/keripik-tempe-bu-sri", "/sentra", "/statistik", "/staff", "/privasi",
         "/api/docs"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_comes_from_the_pages_blueprint_and_links_versioned_assets(app, client, path):
    endpoint, _ = app.url_map.bind("localhost").match(path)
    assert endpoint.startswith("pages.")
    with client.get(path) as response:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    files = re.findall(r'<script [^>]*src="([^"]+)"|<link rel="(?:stylesheet|icon)" href="([^"]+)"',
                       html)
    files = [url for pair in files for url in pair if url.startswith("/")]  # not "data:,"
    assert files
    for url in files:
        assert re.fullmatch(r"/assets/[\w./-]+\?v=\d+", url), url
        with client.get(url) as asset:
            assert asset.status_code == 200, url
            assert asset.headers["Cache-Control"] == "public, max-age=31536000"


@pytest.mark.parametrize("old,new", sorted(EARLIER_ASSET_URLS.items()))
def test_asset_urls_of_before_redirect_to_the_one_assets_route(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"] == f"/assets/{new}"
    with client.get(response.headers["Location"]) as moved:
        assert moved.status_code == 200


@pytest.mark.parametrize("path", ["/staff/secret.txt", "/statistik/app.js", "/api/docs/x.js"])
def test_only_the_asset_urls_of_before_redirect(client, path):
    assert client.get(path).status_code == 404
