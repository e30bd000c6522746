"""/statistik: charts of the directory's numbers for people who would rather look than read.

frontend/stats.html and stats.js draw them from GET /api/v1/stats in the browser; the
page's head is a template for its canonical link, feed links and asset URLs.
"""

from flask import render_template

from . import bp


@bp.get("/statistik")
def stats():
    """Serve the Statistik page."""
    return render_template("stats.html")
