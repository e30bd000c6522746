"""The search page (the app shell app.js fills from the API), /privasi, and the 404 page."""

from flask import current_app, make_response, render_template, request

from ..errors import handle_http_exception
from . import bp
from .security import add_security_headers


@bp.get("/")
def index():
    """Serve the search app shell; app.js reads the state from the URL."""
    return render_template("index.html", q=request.args.get("q", ""))


@bp.get("/privasi")
def privacy():
    """Say, in Indonesian, what a search leaves behind (docs/privacy.md in English too)."""
    config = current_app.config
    return render_template("privacy.html", enabled=config["LOG_QUERIES"],
                           min_count=config["QUERY_LOG_MIN_COUNT"], days=config["QUERY_LOG_DAYS"])


@bp.app_errorhandler(404)
def page_not_found(error):
    """People get a page in Indonesian; programs and everything under /api get JSON."""
    if request.path.startswith("/api/") or not request.accept_mimetypes.accept_html:
        return handle_http_exception(error)
    response = make_response(render_template("404.html", slug=None, path=request.path), 404)
    # An unknown URL belongs to no blueprint, so the pages' own hook does not run.
    return add_security_headers(response)
