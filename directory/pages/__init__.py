"""Every HTML page of the site in one blueprint, with their files under one /assets/ route.

The search page and /b/<slug>, /sentra, /statistik, /privasi, /staff and /api/docs are
templates and static files in frontend/; data for programs lives under /api/v1.
"""

from pathlib import Path

from flask import Blueprint

from .security import CONTENT_SECURITY_POLICY, add_security_headers


def _frontend_dir() -> Path:
    # An installed wheel carries frontend/ as directory/frontend (pyproject.toml maps it);
    # a checkout and its editable install keep it beside the package.
    package = Path(__file__).resolve().parent.parent
    shipped = package / "frontend"
    return shipped if shipped.is_dir() else package.parent / "frontend"


FRONTEND_DIR = _frontend_dir()

bp = Blueprint("pages", __name__, template_folder=str(FRONTEND_DIR))
bp.after_request(add_security_headers)

# The views register themselves on `bp`.
from . import api_docs, assets, business, filters, home, sentra, staff, stats  # noqa: E402,F401

__all__ = ["CONTENT_SECURITY_POLICY", "FRONTEND_DIR", "bp", "init_app"]


def init_app(app) -> None:
    app.register_blueprint(bp)
