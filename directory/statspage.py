"""/statistik: charts of the directory's numbers for people who would rather look than read.

frontend/stats.html and stats.js draw them from GET /api/v1/stats in the browser; this
blueprint only serves those files, under a policy that forbids inline script and other origins.
"""

from pathlib import Path

from flask import Blueprint, abort, send_from_directory

# frontend/ sits beside the package in the repository (the package is installed editable).
FRONTEND_DIR = Path(__file__).resolve().parent.parent / "frontend"
# style.css belongs to the citizen's pages; the Statistik page reuses it when it is there.
FILES = {"stats.js", "stats.css", "style.css"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

bp = Blueprint("statistik", __name__)


@bp.after_request
def secure(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@bp.get("/statistik")
def page():
    """Serve the Statistik page."""
    return send_from_directory(FRONTEND_DIR, "stats.html")


@bp.get("/statistik/<name>")
def asset(name):
    """Serve the page's script and style sheets."""
    if name not in FILES or not (FRONTEND_DIR / name).is_file():
        abort(404)
    return send_from_directory(FRONTEND_DIR, name)


def init_app(app) -> None:
    app.register_blueprint(bp)
