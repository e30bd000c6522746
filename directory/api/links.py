"""A page of a list: its answer, with links that keep the request's own parameters only."""

from functools import cache
from urllib.parse import urlencode

from flask import request
from marshmallow import Schema


def page_links(page: int, per_page: int, total: int, args: type[Schema]) -> dict:
    """Return self/next/prev URLs (path + query) for a paginated list.

    Only the parameters `args` (the view's query schema) knows are carried over: an unknown
    one is ignored by the view, so copying it would hand a client back whatever it sent.
    """
    known = _known(args)
    kept = {name: values for name, values in request.args.to_dict(flat=False).items()
            if name in known}

    def url(number: int) -> str:
        kept["page"] = [str(number)]
        return f"{request.path}?{urlencode(kept, doseq=True)}"

    last = max(1, -(-total // per_page))
    return {
        "self": url(page),
        "next": url(page + 1) if page < last else None,
        "prev": url(min(page - 1, last)) if page > 1 else None,
    }


def page_answer(items, total: int, page: int, per_page: int, args: type[Schema]) -> dict:
    """Return the answer of one page of a list, as the PageSchema subclasses dump it."""
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "links": page_links(page, per_page, total, args)}


@cache
def _known(args: type[Schema]) -> frozenset[str]:
    # Once per schema: making a schema deep-copies its fields (~1 ms a request, measured).
    return frozenset(field.data_key or name for name, field in args().fields.items())
