"""The citizen's pages: the search app shell, its assets and /b/<slug>.

Everything here is HTML for people; data for programs lives under /api/v1.
"""

from flask import (
    Blueprint,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from . import hours, services, where_when
from .errors import handle_http_exception
from .importers.messages import MONTHS_ID  # Python's one table; frontend/common.js has the JS one
from .pages import FRONTEND_DIR, secure
from .schemas import BusinessDetailSchema

bp = Blueprint("web", __name__, template_folder=str(FRONTEND_DIR))
add_security_headers = secure(bp)


@bp.app_template_filter("tanggal")
def format_date_id(value):
    """Format an ISO date the Indonesian way: '2021-05-07' -> '7 Mei 2021'."""
    if not value:
        return ""
    year, month, day = (int(part) for part in str(value)[:10].split("-"))
    return f"{day} {MONTHS_ID[month - 1]} {year}"


@bp.app_template_filter("ribuan")
def format_thousands(value):
    """Group digits with dots as Indonesians write them: 3120 -> '3.120'."""
    return f"{int(value):,}".replace(",", ".")


@bp.app_template_filter("telepon")
def format_phone(value):
    """Group an Indonesian number for reading: '+6281234567890' -> '+62 812-3456-7890'."""
    if not value or not str(value).startswith("+62") or len(str(value)) < 10:
        return value or ""
    digits = str(value)[3:]
    return f"+62 {digits[:3]}-{digits[3:7]}-{digits[7:]}"


@bp.app_template_filter("web_url")
def web_url(value):
    """Keep only http(s) links from the data: no javascript: or data: hrefs."""
    is_web = isinstance(value, str) and value.lower().startswith(("https://", "http://"))
    return value if is_web else None


@bp.get("/")
def index():
    """Serve the search app shell; app.js reads the state from the URL."""
    return render_template("index.html", q=request.args.get("q", ""))


# Not /static: Flask's own static route owns that path in every app.
@bp.get("/assets/<path:filename>")
def asset(filename):
    """Serve app.js, style.css and the icon from frontend/."""
    # A versioned URL (?v=mtime, from asset()) never changes content: cache it for a year.
    max_age = 365 * 24 * 3600 if request.args.get("v") else None
    return send_from_directory(FRONTEND_DIR, filename, max_age=max_age)


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon where browsers look for it unasked (a JSON answer opened in a tab)."""
    return send_from_directory(FRONTEND_DIR, "icon.svg", mimetype="image/svg+xml",
                               max_age=24 * 3600)


@bp.app_errorhandler(404)
def page_not_found(error):
    """People get a page in Indonesian; programs and everything under /api get JSON."""
    if request.path.startswith("/api/") or not request.accept_mimetypes.accept_html:
        return handle_http_exception(error)
    response = make_response(render_template("404.html", slug=None, path=request.path), 404)
    return add_security_headers(response)


@bp.get("/b/<slug>")
def business(slug):
    """Render one business server-side so link previews and search engines see it."""
    found = services.get_business(slug)
    if found is None:
        return render_template("404.html", slug=slug), 404
    item = BusinessDetailSchema().dump(found)
    page_url = public_url(url_for("web.business", slug=item["slug"]))
    photo = item["photos"][0] if item["photos"] else None
    return render_template(
        "business.html",
        b=item,
        page_url=page_url,
        summary=summarise(item),
        # Link previews (WhatsApp, Facebook) need an absolute URL of a JPEG.
        share_image=public_url(photo["large"]) if photo else None,
        share_photo=photo,
        jsonld=local_business_jsonld(item, page_url),
        today=hours.DAYS[where_when.now().weekday()],
    )


def public_url(path: str) -> str:
    """Return the absolute URL of `path` on the public site (PUBLIC_BASE_URL, not Host)."""
    return current_app.config["PUBLIC_BASE_URL"] + path


@bp.get("/privasi")
def privacy():
    """Say, in Indonesian, what a search leaves behind (docs/privacy.md in English too)."""
    config = current_app.config
    return render_template("privacy.html", enabled=config["LOG_QUERIES"],
                           min_count=config["QUERY_LOG_MIN_COUNT"], days=config["QUERY_LOG_DAYS"])


def summarise(item):
    """One sentence for the meta description and the link preview."""
    place = ", ".join(p for p in (item.get("kelurahan"), item.get("district")) if p)
    parts = [f"{item.get('category_label') or item.get('category')} di {place}, Kota Malang."]
    if item.get("products"):
        parts.append("Produk: " + ", ".join(item["products"][:5]) + ".")
    if item.get("description"):
        parts.append(item["description"])
    text = " ".join(parts)
    return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"


def local_business_jsonld(item, page_url):
    """schema.org LocalBusiness for the page; the template escapes it with |tojson."""
    contact = item.get("contact") or {}
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "@id": page_url,
        "url": page_url,
        "name": item["name"],
        "description": item.get("description") or summarise(item),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": item.get("address") or None,
            "addressLocality": f"{item.get('kelurahan')}, {item.get('district')}",
            "addressRegion": "Kota Malang, Jawa Timur",
            "addressCountry": "ID",
        },
        "telephone": contact.get("whatsapp"),
        "founder": {"@type": "Person", "name": item["owner"]} if item.get("owner") else None,
        "foundingDate": str(item["established"]) if item.get("established") else None,
        "sameAs": [u for u in (contact.get("instagram_url"), contact.get("website")
                               or item.get("website")) if u] or None,
        "image": [public_url(p["large"]) for p in item.get("photos") or []] or None,
        "priceRange": item.get("price_range"),
        "paymentAccepted": "QRIS" if item.get("qris") else None,
        "makesOffer": [
            {"@type": "Offer", "itemOffered": {"@type": "Product", "name": product}}
            for product in item.get("products") or []
        ] or None,
    }
    data["address"] = {k: v for k, v in data["address"].items() if v}
    if item.get("location"):
        data["geo"] = {"@type": "GeoCoordinates", "latitude": item["location"]["lat"],
                       "longitude": item["location"]["lon"]}
    # A closed business gets nothing that says when it is open.
    if item.get("opening_hours") and item.get("status") == "buka":
        data["openingHoursSpecification"] = opening_hours_jsonld(item["opening_hours"]["week"])
    return {k: v for k, v in data.items() if v is not None}


SCHEMA_DAYS = {"Mo": "Monday", "Tu": "Tuesday", "We": "Wednesday", "Th": "Thursday",
               "Fr": "Friday", "Sa": "Saturday", "Su": "Sunday"}


def opening_hours_jsonld(week):
    """schema.org OpeningHoursSpecification, one per period ('24:00' closes at '23:59')."""
    return [{"@type": "OpeningHoursSpecification",
             "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[day['day']]}",
             "opens": period["from"],
             "closes": "23:59" if period["to"] == "24:00" else period["to"]}
            for day in week for period in day["open"]] or None


@bp.app_context_processor
def asset_helpers():
    """Let templates link assets with a version so browsers refetch after a change."""

    def asset_url(filename):
        path = FRONTEND_DIR / filename
        version = int(path.stat().st_mtime) if path.exists() else 0
        return url_for("web.asset", filename=filename, v=version)

    return {"asset": asset_url}
