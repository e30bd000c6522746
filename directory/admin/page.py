"""The staff page: /staff serves frontend/staff.html, its script and styles; no inline code.

The page is public (it is only a shell); every call it makes sends the staff token.
"""

from pathlib import Path

from flask import Blueprint, Response, abort

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
FILES = {"staff.html": "text/html", "staff.js": "text/javascript", "staff.css": "text/css"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")

bp = Blueprint("staff_page", __name__)


@bp.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/staff")
def staff_page():
    """Serve the staff page (Bahasa Indonesia)."""
    return _file("staff.html")


@bp.route("/staff/<name>")
def staff_asset(name: str):
    if name not in FILES or name == "staff.html":
        abort(404)
    return _file(name)


def _file(name: str) -> Response:
    # Three small files read whole: simpler than streaming, and nothing is left open.
    return Response((FRONTEND / name).read_bytes(), mimetype=FILES[name])
