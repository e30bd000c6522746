"""What every page's response carries: one Content-Security-Policy and the other headers.

Scripts and styles from this origin only, no inline script, no other origin, no framing.
"""

import re
from urllib.parse import urlsplit

from flask import current_app

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


def add_security_headers(response):
    """Put the security headers on a page or asset response; a view may set a stricter
    Referrer-Policy itself (the staff page, where a token is typed)."""
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers["X-Frame-Options"] = "DENY"
    return response
