"""Business -> index document: the only place that maps a row to search fields."""

from ..importers.commerce import price_band
from ..models import Business
from .places import document_places
from .suggest import completion_lines


def business_document(business: Business) -> dict:
    """Return the fields Whoosh indexes for `business` (features must be loaded)."""
    features = business.features
    latest = max((f.featured_on for f in features), default=None)
    products = "\n".join(business.products or [])
    description = business.description or ""
    category = business.category
    document = {
        "id": str(business.id),
        "slug": business.slug,
        "name": business.name,
        "name_exact": business.name,
        "products": products,
        "products_exact": products,
        "description": description,
        "description_exact": description,
        "owner": business.owner or "",
        "address": business.address or "",
        "category_text": f"{category.label} {category.label_en}" if category else "",
        "place": document_places(business.kelurahan.kecamatan_slug, business.kelurahan_slug),
        "complete_name": completion_lines([business.name]),
        "complete_product": completion_lines(business.products or []),
        "category": business.category_slug,
        "district": business.kelurahan.kecamatan_slug,
        "kelurahan": business.kelurahan_slug,
        "rubric": " ".join(sorted({f.rubric_slug for f in features})),
        "year": " ".join(sorted({str(f.featured_on.year) for f in features})),
        "latest_on": latest.toordinal() if latest else 0,
        "name_sort": business.name.casefold(),
        "halal": "1" if business.halal else "0",
    }
    # Unknown stays absent: no price band, no price, QRIS neither yes nor no.
    if business.price_min is not None:
        document["price"] = price_band(business.price_min)
        document["price_min"] = business.price_min
    if business.qris is not None:
        document["qris"] = "1" if business.qris else "0"
    # Only when set: an empty term would be counted as a facet value of its own.
    if business.sentra_slug:
        document["sentra"] = business.sentra_slug
    if business.subsector_slug:
        document["subsector"] = business.subsector_slug
    return document
