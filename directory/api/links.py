"""Pagination links that keep every other query parameter."""

from urllib.parse import urlencode

from flask import request


def page_links(page: int, per_page: int, total: int) -> dict:
    """Return self/next/prev URLs (path + query) for a paginated list."""
    args = request.args.to_dict(flat=False)

    def url(number: int) -> str:
        args["page"] = [str(number)]
        return f"{request.path}?{urlencode(args, doseq=True)}"

    last = max(1, -(-total // per_page))
    return {
        "self": url(page),
        "next": url(page + 1) if page < last else None,
        "prev": url(min(page - 1, last)) if page > 1 else None,
    }
