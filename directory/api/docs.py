"""/api/docs: the API's reference for people, rendered from /api/openapi.json in the browser.

A small page of our own (no CDN, no third-party request); its script builds the page with
DOM nodes and text only, under a Content-Security-Policy that forbids inline script.
"""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from ..pages import secure

ASSETS = Path(__file__).resolve().parent / "docs_assets"
FILES = {"docs.js", "docs.css"}
bp = Blueprint("api_docs", __name__)
secure(bp)


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
