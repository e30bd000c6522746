"""/api/docs: the API's reference for people, rendered from /api/openapi.json in the browser.

A small page of our own (no CDN, no third-party request); its script builds the page with
DOM nodes and text only, under a Content-Security-Policy that forbids inline script.
"""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

ASSETS = Path(__file__).resolve().parent / "docs_assets"
FILES = {"docs.js", "docs.css"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

bp = Blueprint("api_docs", __name__)


@bp.after_request
def secure(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/api/docs")
def page():
    """Serve the reference page."""
    return send_from_directory(ASSETS, "docs.html")


@bp.get("/api/docs/<name>")
def asset(name):
    """Serve the page's script and style sheet."""
    if name not in FILES:
        abort(404)
    return send_from_directory(ASSETS, name)
