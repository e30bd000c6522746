"""What every HTML page of the app shares: where its files are and its security headers.

One policy for all pages: scripts and styles from this origin only, no inline script, no
other origin, no framing.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

# frontend/ sits beside the package in the repository (the package is installed editable).
FRONTEND_DIR = Path(__file__).resolve().parent.parent / "frontend"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def content_security_policy() -> str:
    """The policy, with the map tile server's origin among the images when one is set."""
    tiles = urlsplit(current_app.config.get("MAP_TILE_URL") or "")
    if tiles.scheme not in ("http", "https") or not tiles.netloc:
        return CONTENT_SECURITY_POLICY
    # "{s}.tile.example.org" (subdomains a, b, c) is "*.tile.example.org" to CSP.
    host = re.sub(r"\{[a-z]+\}", "*", tiles.netloc)
    origin = f"{tiles.scheme}://{host}"
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", f"img-src 'self' data: {origin}")


def secure(blueprint, referrer_policy: str = "strict-origin-when-cross-origin",
           extra: dict | None = None):
    """Put the security headers on every response of `blueprint`; return the hook."""

    @blueprint.after_request
    def add_security_headers(response):
        response.headers["Content-Security-Policy"] = content_security_policy()
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = referrer_policy
        response.headers["X-Frame-Options"] = "DENY"
        for name, value in (extra or {}).items():
            response.headers[name] = value
        return response

    return add_security_headers
