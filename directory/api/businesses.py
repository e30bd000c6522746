"""GET /businesses (search, filters, facets) and GET /businesses/<slug>."""

from .. import services, where_when
from ..errors import NotFound
from ..schemas import BusinessDetailSchema, BusinessPageSchema, BusinessSearchArgs
from ..search import FILTERS, SearchRequest
from .answer_cache import cached_answer, remember_search
from .blueprint import Blueprint
from .links import page_links

blp = Blueprint("businesses", __name__, description="Featured businesses")


@blp.route("/businesses")
@cached_answer  # before the arguments: a repeated answer skips parsing too
# An instance, not the class: webargs would build the schema (deep copies) per request.
@blp.arguments(BusinessSearchArgs(), location="query", as_kwargs=True)
@blp.response(200, BusinessPageSchema)
def list_businesses(q, page, per_page, sort, near, radius, open_now, status, **filters):
    """Search and filter the featured businesses.

    Different filters combine with AND; a repeated filter ORs its values. Businesses closed
    for good (status tutup) are left out unless `status` asks for them.
    """
    request = SearchRequest(
        text=q,
        filters={name: tuple(filters[name]) for name in FILTERS if filters.get(name)},
        sort=sort or ("distance" if near else "relevance" if q else "newest"),
        page=page,
        per_page=per_page,
        statuses=status,
        open_now=open_now,
        now=where_when.now(),
        near=near,
        radius=radius,
    )
    request = services.with_additions(request)  # kept with the answer: see answer_cache
    result, hits = services.search_businesses(request, log=True)
    body = {
        "items": hits,
        "total": result.total,
        "page": page,
        "per_page": per_page,
        "facets": result.facets,
        "links": page_links(page, per_page, result.total, BusinessSearchArgs),
        "suggestion": result.suggestion,
        "partial": result.partial,
    }
    if result.partial:
        # Ranked only in part (time limit): no cache may keep it; asking again may rank it.
        return body, 200, {"Cache-Control": "no-store"}
    remember_search(request, result)
    return body


@blp.route("/businesses/<slug>")
@blp.response(200, BusinessDetailSchema)
def get_business(slug):
    """Return one business with every appearance, newest first."""
    business = services.get_business(slug)
    if business is None:
        raise NotFound(f"No business with slug {slug!r}.")
    return business
