"""/b/<slug>: one business rendered on the server, for people, link previews and search engines.

Its schema.org LocalBusiness data goes in the page as JSON-LD.
"""

from flask import current_app, render_template, url_for

from .. import hours, services, where_when
from ..schemas import BusinessDetailSchema
from . import bp


@bp.get("/b/<slug>")
def business(slug):
    """Render one business server-side so link previews and search engines see it."""
    found = services.get_business(slug)
    if found is None:
        return render_template("404.html", slug=slug), 404
    item = BusinessDetailSchema().dump(found)
    page_url = public_url(url_for("pages.business", slug=item["slug"]))
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
