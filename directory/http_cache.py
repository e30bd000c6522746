"""HTTP caching for public reads: `ETag` + `Cache-Control`, and 304 on `If-None-Match`.

Applies to GET/HEAD under /api/ and to the Statistik page; /api/v1/admin answers staff data
(deleted businesses, the audit log) to one token holder: `no-store`, no ETag.
"""

from flask import Response, request

from .admin import URL_PREFIX as ADMIN_PREFIX
from .errors import error_response


def is_public_path(path: str) -> bool:
    """Return True for the paths anyone may read (and other sites may fetch)."""
    return path.startswith("/api/") and not (
        path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"))


def _cached(path: str) -> bool:
    return is_public_path(path) or path == "/statistik" or path.startswith("/statistik/")


def not_modified(etag: str) -> Response | None:
    """Return a 304 for a client that holds `etag` already, else None.

    Streamed answers (the exports) call this before they start their generator.
    """
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        response.set_etag(etag, weak=True)
        return response
    return None


def add_cache_headers(response: Response) -> Response:
    if request.path == ADMIN_PREFIX or request.path.startswith(ADMIN_PREFIX + "/"):
        response.headers["Cache-Control"] = "no-store"
        return response
    if request.method not in ("GET", "HEAD") or not _cached(request.path):
        return response
    if response.status_code not in (200, 304):
        return response  # errors and redirects: let clients ask again
    from flask import current_app, g

    max_age = int(current_app.config["HTTP_CACHE_MAX_AGE"])
    if g.get("clock_dependent"):
        # open_now / next_change were computed at this minute: keep the answer briefly.
        max_age = min(max_age, int(current_app.config["HTTP_CACHE_CLOCK_MAX_AGE"]))
    response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
    if response.is_streamed:
        # make_conditional would buffer the whole body to count its length: a streamed
        # answer (an export) sets its own ETag and answers 304 itself, see not_modified().
        return response
    if response.status_code == 200 and "ETag" not in response.headers:
        response.add_etag()  # a hash of the body: same data, same tag, whichever worker
    response = response.make_conditional(request)
    if response.status_code == 412:
        return _precondition_failed(response)
    return response


def _precondition_failed(response: Response) -> Response:
    """werkzeug sets 412 on the 200 answer, body and all: give it the error shape instead."""
    if request.if_match.star_tag:  # "*" matches any current representation (RFC 9110)
        response.status_code = 200
        return response
    # The same response object: the headers other hooks set (CORS, rate limit) stay.
    error = error_response(412, "If-Match names no current version of this resource.")
    response.set_data(error.get_data())
    response.content_type = error.content_type
    return response


def init_app(app) -> None:
    app.after_request(add_cache_headers)
