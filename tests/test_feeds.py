"""Atom feeds (RFC 4287), the sitemap, robots.txt and canonical links."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from directory import services
from tests.conftest import DATA, make_app

A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def atom(client, name="semua"):
    response = client.get(f"/feeds/{name}.atom")
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)


def assert_valid_atom(feed):
    """The MUSTs of RFC 4287 that a feed generator can get wrong."""
    assert feed.tag == A + "feed"
    for element in (feed, *feed.findall(A + "entry")):
        # atom:id, atom:title, atom:updated exactly once (4.1.1, 4.1.2)
        for name in ("id", "title", "updated"):
            assert len(element.findall(A + name)) == 1, (element.tag, name)
        assert element.findtext(A + "id").startswith("tag:")  # an IRI (4.2.6)
        for name in ("updated", "published"):
            for date in element.findall(A + name):
                assert RFC3339.match(date.text), date.text  # Date constructs (3.3)
        alternates = [(link.get("type"), link.get("hreflang")) for link in
                      element.findall(A + "link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == len(set(alternates))  # (4.1.1, 4.1.2)
        for link in element.findall(A + "link"):
            assert link.get("href", "").startswith("http")
    # No entry has an author, so the feed has one (4.1.1)
    assert feed.find(A + "author/" + A + "name").text
    self_links = [link for link in feed.findall(A + "link") if link.get("rel") == "self"]
    assert len(self_links) == 1
    entries = feed.findall(A + "entry")
    for entry in entries:
        # An entry without atom:content has an alternate link and a summary (4.1.2)
        assert entry.find(A + "content") is None
        assert entry.find(A + "summary").text
    ids = [entry.findtext(A + "id") for entry in entries]
    assert len(ids) == len(set(ids))


def test_all_rubrics_feed_is_valid_atom_newest_first(client):
    feed = atom(client)
    assert_valid_atom(feed)
    entries = feed.findall(A + "entry")
    assert len(entries) == 12  # every appearance of tests/data/businesses.csv
    published = [entry.findtext(A + "published") for entry in entries]
    assert published == sorted(published, reverse=True)
    first = entries[0]
    links = {link.get("rel"): link.get("href") for link in first.findall(A + "link")}
    assert links["alternate"].startswith("http://127.0.0.1:5000/b/")
    assert links.get("related", "https://").startswith("https://")
    assert "(contoh fiktif)" in first.findtext(A + "title")


@pytest.mark.parametrize("rubric", ["umkm-of-the-week", "ekraf-of-the-week",
                                    "kuliner-legendaris"])
def test_each_rubric_has_its_own_feed(client, rubric):
    feed = atom(client, rubric)
    assert_valid_atom(feed)
    terms = [entry.find(A + "category").get("term") for entry in feed.findall(A + "entry")]
    assert terms and set(terms) == {rubric}


def test_unknown_feed_is_404(client):
    assert client.get("/feeds/tidak-ada.atom").status_code == 404


def test_entry_ids_survive_a_rebuild_and_a_reimport(client, tmp_path):
    ids = [entry.findtext(A + "id") for entry in atom(client).findall(A + "entry")]
    assert ids[-1] == ("tag:malangkota.go.id,2021:feature:umkm-of-the-week/2021-05-07/"
                       "keripik-tempe-bu-sri")
    # The same sheet imported into another database (new row ids), twice, then reindexed.
    (tmp_path / "other").mkdir()
    other = make_app(tmp_path / "other")
    with other.app_context():
        services.import_file(DATA / "businesses.csv")
        services.import_file(DATA / "businesses.csv")
        services.reindex()
    again = [entry.findtext(A + "id") for entry in atom(other.test_client()).findall(A + "entry")]
    other.extensions["search"].close()
    assert again == ids


def test_deleted_businesses_leave_the_feed(app, client):
    from directory import staff
    with app.app_context():
        staff.delete_business("keripik-tempe-bu-sri")
    text = client.get("/feeds/semua.atom").get_data(as_text=True)
    assert "keripik-tempe-bu-sri" not in text


def test_pages_announce_the_feeds_and_a_canonical_link(client):
    for path in ("/", "/b/keripik-tempe-bu-sri", "/statistik", "/sentra/kampung-sanan",
                 "/sentra"):
        html = client.get(path).get_data(as_text=True)
        assert 'type="application/atom+xml" href="/feeds/semua.atom"' in html, path
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
        assert len(canonical) == 1 and canonical[0].startswith("http://127.0.0.1:5000/"), path
    assert re.search(r'<link rel="canonical" href="http://127.0.0.1:5000/">',
                     client.get("/?q=keripik").get_data(as_text=True))


def test_canonical_links_use_the_configured_public_address_never_the_host(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://umkm.example.id"
    html = client.get("/b/keripik-tempe-bu-sri").get_data(as_text=True)
    assert '<link rel="canonical" href="https://umkm.example.id/b/keripik-tempe-bu-sri">' in html
    assert "https://umkm.example.id/sitemap.xml" in client.get("/robots.txt").get_data(
        as_text=True)
    forged = client.get("/feeds/semua.atom", headers={"Host": "evil.example"})
    assert b"evil.example" not in forged.data and b"https://umkm.example.id/b/" in forged.data


def test_sitemap_lists_home_statistik_and_every_public_business(app, client):
    from directory import staff
    with app.app_context():
        staff.delete_business("keramik-sumber-rejeki")
        live = services.count_live()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = ET.fromstring(response.data).findall(S + "url")
    locs = [url.findtext(S + "loc") for url in urls]
    assert locs[:2] == ["http://127.0.0.1:5000/", "http://127.0.0.1:5000/statistik"]
    businesses = [loc for loc in locs if "/b/" in loc]
    assert len(businesses) == live
    assert "http://127.0.0.1:5000/b/keramik-sumber-rejeki" not in locs
    assert "http://127.0.0.1:5000/sentra/kampung-sanan" in locs
    for url in urls:
        if "/b/" in url.findtext(S + "loc"):
            datetime.strptime(url.findtext(S + "lastmod"), "%Y-%m-%d")
    for loc in locs:
        assert client.get(loc.removeprefix("http://127.0.0.1:5000")).status_code == 200, loc


def test_robots_points_to_the_sitemap_and_keeps_crawlers_off_staff_and_exports(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /api/v1/admin", "Disallow: /staff",
            "Disallow: /api/v1/export/"} <= set(lines)
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in lines
    assert not any(line in ("Disallow: /", "Disallow: /b/") for line in lines)
