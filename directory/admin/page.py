"""The staff page: /staff serves frontend/staff.html, its script and styles; no inline code.

The page is public (it is only a shell); every call it makes sends the staff token.
"""

from flask import Blueprint, Response, abort

from ..pages import FRONTEND_DIR as FRONTEND
from ..pages import secure

FILES = {"staff.html": "text/html", "staff.js": "text/javascript", "staff.css": "text/css",
         "staff-searches.js": "text/javascript", "staff-instagram.js": "text/javascript"}

bp = Blueprint("staff_page", __name__)
# The token is typed here: no referrer, and never a cached copy.
secure(bp, referrer_policy="no-referrer", extra={"Cache-Control": "no-cache"})


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
