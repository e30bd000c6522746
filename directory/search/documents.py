"""Business -> index document: the only place that maps a row to search fields."""

from ..models import Business


def business_document(business: Business) -> dict:
    """Return the fields Whoosh indexes for `business` (features must be loaded)."""
    features = business.features
    latest = max((f.featured_on for f in features), default=None)
    return {
        "id": str(business.id),
        "slug": business.slug,
        "name": business.name,
        "products": "\n".join(business.products or []),
        "description": business.description or "",
        "owner": business.owner or "",
        "category": business.category_slug,
        "district": business.kelurahan.kecamatan_slug,
        "kelurahan": business.kelurahan_slug,
        "rubric": " ".join(sorted({f.rubric_slug for f in features})),
        "year": " ".join(sorted({str(f.featured_on.year) for f in features})),
        "latest_on": latest.toordinal() if latest else 0,
        "name_sort": business.name.casefold(),
    }
