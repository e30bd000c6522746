"""Discovery for readers and crawlers: Atom feeds (RFC 4287), /sitemap.xml and /robots.txt.

An entry's id names the appearance as the staff import does (slug, rubric, date) in a tag
URI (RFC 4151): it never changes when the database is rebuilt or the sheet re-imported.
"""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, time, timedelta, timezone

from flask import Response, current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from .admin import URL_PREFIX as ADMIN_PREFIX
from .api.blueprint import Blueprint
from .errors import NotFound
from .models import Business, Feature, Rubric, db
from .sentra import all_sentra

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
ALL = "semua"  # /feeds/semua.atom: every rubric
ENTRIES = 50
WIB = timezone(timedelta(hours=7))  # posts are dated in Malang's time
CRAWLERS_KEEP_OFF = (ADMIN_PREFIX, "/staff", "/api/v1/export/")

# A flask-smorest blueprint: the feeds, sitemap and robots.txt are in the OpenAPI document.
bp = Blueprint("discovery", __name__, description="Feeds and files for readers and crawlers")
TEXT = {"type": "string"}


def base_url() -> str:
    """Return the public site's address (PUBLIC_BASE_URL; never the request's Host header)."""
    return current_app.config["PUBLIC_BASE_URL"]


def entry_id(slug: str, rubric: str, featured_on) -> str:
    """Return the stable id of one appearance.

    >>> entry_id("keripik-tempe-bu-sri", "umkm-of-the-week", "2021-05-07")[-55:]
    'feature:umkm-of-the-week/2021-05-07/keripik-tempe-bu-sri'
    """
    return f"tag:{_authority()}:feature:{rubric}/{featured_on}/{slug}"


def _authority() -> str:
    return current_app.config.get("FEED_ID_AUTHORITY", "malangkota.go.id,2021")


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom's date constructs require."""
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def _rubric_labels() -> dict[str, str]:
    return dict(db.session.execute(select(Rubric.slug, Rubric.label)).all())


def latest_features(rubric: str | None, limit: int = ENTRIES) -> list[Feature]:
    """Return the newest appearances of live businesses, of one rubric or all."""
    statement = (select(Feature).join(Feature.business).where(Business.deleted_at.is_(None))
                 .options(contains_eager(Feature.business))
                 .order_by(Feature.featured_on.desc(), Feature.id.desc()).limit(limit))
    if rubric:
        statement = statement.where(Feature.rubric_slug == rubric)
    return list(db.session.scalars(statement))


def _summary(business: Business) -> str:
    place = f"{business.kelurahan.name}, Kecamatan {business.kecamatan.name}, Kota Malang"
    parts = [f"{business.category.label} di {place}."]
    if business.products:
        parts.append("Produk: " + ", ".join(business.products[:5]) + ".")
    if business.description:
        text = " ".join(business.description.split())
        parts.append(text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…")
    if business.fictional:
        parts.append("(Contoh fiktif, bukan usaha sungguhan.)")
    return " ".join(parts)


def _add(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom_feed(rubric: str | None) -> bytes:
    """Return the Atom document of the newest appearances (of `rubric`, or all)."""
    labels, base = _rubric_labels(), base_url()
    name = rubric or ALL
    features = latest_features(rubric)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "id"})
    title = labels[rubric] if rubric else "Semua rubrik"
    _add(feed, "title", f"{title} · Direktori UMKM Kota Malang")
    _add(feed, "subtitle", "Usaha yang baru tampil di rubrik Pemerintah Kota Malang.")
    _add(feed, "id", f"tag:{_authority()}:feed:{name}")
    _add(feed, "link", rel="self", type="application/atom+xml", href=f"{base}/feeds/{name}.atom")
    _add(feed, "link", rel="alternate", type="text/html",
         href=f"{base}/?rubric={rubric}" if rubric else f"{base}/")
    changed = [max(f.created_at, f.business.updated_at) for f in features]
    _add(feed, "updated", _stamp(max(changed) if changed else datetime(2021, 5, 1)))
    author = _add(feed, "author")
    _add(author, "name", "Direktori UMKM Kota Malang")
    _add(author, "uri", f"{base}/")
    _add(feed, "generator", "Direktori UMKM Kota Malang")
    _add(feed, "rights", current_app.config["DATA_LICENCE_NAME"])
    for feature, updated in zip(features, changed, strict=True):
        business = feature.business
        entry = _add(feed, "entry")
        fictional = " (contoh fiktif)" if business.fictional else ""
        _add(entry, "title", f"{business.name}{fictional} · {labels[feature.rubric_slug]}")
        _add(entry, "id", entry_id(business.slug, feature.rubric_slug,
                                   feature.featured_on.isoformat()))
        _add(entry, "link", rel="alternate", type="text/html", href=f"{base}/b/{business.slug}")
        if feature.post_url:
            _add(entry, "link", rel="related", title="Postingan di media sosial Pemkot",
                 href=feature.post_url)
        _add(entry, "published",
             datetime.combine(feature.featured_on, time(), WIB).isoformat())
        _add(entry, "updated", _stamp(updated))
        _add(entry, "category", term=feature.rubric_slug, label=labels[feature.rubric_slug])
        _add(entry, "category", term=business.category_slug, label=business.category.label)
        _add(entry, "summary", _summary(business))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.route("/feeds/<name>.atom")
@bp.response(200, TEXT, content_type="application/atom+xml",
             description="An Atom document (RFC 4287)")
def feed(name: str):
    """Serve the Atom feed of the 50 newest appearances of one rubric, or of all (`semua`)."""
    rubric = None if name == ALL else name
    if rubric is not None and rubric not in _rubric_labels():
        raise NotFound(f"No feed {name!r}: semua or a rubric slug.")
    return Response(atom_feed(rubric), mimetype="application/atom+xml")


def feed_links() -> list[dict]:
    """Return the feeds a page announces with <link rel="alternate">."""
    labels = _rubric_labels()
    return [{"href": f"/feeds/{ALL}.atom", "title": "Semua rubrik"}] + [
        {"href": f"/feeds/{slug}.atom", "title": label} for slug, label in labels.items()]


# -- crawlers ------------------------------------------------------------------------------

def sitemap() -> bytes:
    """Return the sitemap: home, Statistik, every sentra and every public business page."""
    base = base_url()
    last_feature = dict(db.session.execute(
        select(Feature.business_id, func.max(Feature.created_at))
        .group_by(Feature.business_id)).all())
    rows = db.session.execute(select(Business.id, Business.slug, Business.updated_at)
                              .where(Business.deleted_at.is_(None)).order_by(Business.slug))
    pages = []
    for row in rows:
        changed = max(filter(None, (row.updated_at, last_feature.get(row.id))))
        pages.append((f"/b/{row.slug}", changed))
    newest = max((changed for _, changed in pages), default=None)
    pages[:0] = [("/", newest), ("/statistik", newest)] + [
        (f"/sentra/{s['slug']}", None) for s in all_sentra()]
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, changed in pages:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = base + path
        if changed:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = changed.date().isoformat()
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)


@bp.route("/sitemap.xml")
@bp.response(200, TEXT, content_type="application/xml", description="A sitemap (sitemaps.org)")
def sitemap_xml():
    """Serve the sitemap search engines read."""
    return Response(sitemap(), mimetype="application/xml")


@bp.route("/robots.txt")
@bp.response(200, TEXT, content_type="text/plain")
def robots_txt():
    """Point crawlers at the sitemap; keep them off the staff routes and the exports."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in CRAWLERS_KEEP_OFF), "",
             f"Sitemap: {base_url()}/sitemap.xml", ""]
    return Response("\n".join(lines), mimetype="text/plain")


def _page_links() -> dict:
    """Let every page name its canonical address and announce the feeds."""
    def canonical_url() -> str:
        return base_url() + request.path
    return {"canonical_url": canonical_url, "feed_links": feed_links}


def init_app(app) -> None:
    """Let pages name their canonical address and feeds (the routes: directory.api)."""
    app.context_processor(_page_links)
