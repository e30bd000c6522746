"""Per-client rate limit on the public API and a cap on request bodies.

The counters live in `RATELIMIT_STORAGE_URI`: by default a SQLite file in the instance
folder (see ratelimit_storage.py), shared by every gunicorn worker on the machine; set it
to `redis://...` when the app runs on several machines.
"""

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from . import ratelimit_storage  # noqa: F401  registers the sqlite:// storage scheme
from .http_cache import is_public_path


def _exempt() -> bool:
    # Only the public API counts; pages, static files and the staff's routes do not.
    return request.method == "OPTIONS" or not is_public_path(request.path)


def _export_limit() -> str:
    return current_app.config["RATELIMIT_EXPORT"]


def cap_request_body():
    """Refuse a body over MAX_CONTENT_LENGTH before any view reads it (413)."""
    cap = current_app.config.get("MAX_CONTENT_LENGTH")
    if cap and request.content_length and request.content_length > cap:
        raise RequestEntityTooLarge(f"The request body is larger than {cap} bytes.")


def init_app(app) -> None:
    hops = int(app.config.get("PROXY_FIX_X_FOR", 0))
    if hops:  # behind nginx & co. the client's address is in X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)
    app.before_request(cap_request_body)
    # One Limiter per app: flask-limiter keeps its settings on the instance.
    limiter = Limiter(key_func=get_remote_address, application_limits_exempt_when=_exempt)
    from .api.exports import blp as exports

    # The exports read the whole directory: their own, smaller budget on top.
    limiter.shared_limit(_export_limit, scope="export")(exports)
    limiter.init_app(app)
    app.extensions["directory.limiter"] = limiter
