"""/api/docs: the API's reference for people, rendered from /api/openapi.json in the browser.

A small page of our own (no CDN, no third-party request); its script builds the page with
DOM nodes and text only, under the pages' Content-Security-Policy.
"""

from flask import render_template

from . import bp


@bp.get("/api/docs")
def api_docs():
    """Serve the reference page."""
    return render_template("api-docs.html")
