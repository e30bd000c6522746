"""/statistik: charts of the directory's numbers for people who would rather look than read.

frontend/stats.html and stats.js draw them from GET /api/v1/stats in the browser; this
blueprint serves those files (the page's head is a template for its canonical link),
under a policy that forbids inline script and other origins.
"""

from flask import Blueprint, abort, render_template, send_from_directory

from .pages import FRONTEND_DIR, secure

# style.css belongs to the citizen's pages; the Statistik page reuses it when it is there.
FILES = {"stats.js", "stats.css", "style.css"}
bp = Blueprint("statistik", __name__, template_folder=str(FRONTEND_DIR))
secure(bp)


@bp.get("/statistik")
def page():
    """Serve the Statistik page."""
    # A template only for its canonical link and feed links; the data comes from the API.
    return render_template("stats.html")


@bp.get("/statistik/<name>")
def asset(name):
    """Serve the page's script and style sheets."""
    if name not in FILES or not (FRONTEND_DIR / name).is_file():
        abort(404)
    return send_from_directory(FRONTEND_DIR, name)


def init_app(app) -> None:
    app.register_blueprint(bp)
