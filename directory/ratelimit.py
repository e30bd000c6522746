"""Per-client rate limit on the public API and a cap on request bodies.

The counters live in `RATELIMIT_STORAGE_URI`: by default a SQLite file in the instance
folder (see ratelimit_storage.py), shared by every gunicorn worker on the machine; set it
to `redis://...` when the app runs on several machines.
"""

import time

from flask import current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from . import ratelimit_storage  # noqa: F401  registers the sqlite:// storage scheme
from .errors import error_response
from .http_cache import is_public_path

EXPORT_SCOPE = "export"
# limits' granularity -> (Indonesian, English singular, English plural)
UNITS = {"second": ("detik", "second", "seconds"), "minute": ("menit", "minute", "minutes"),
         "hour": ("jam", "hour", "hours"), "day": ("hari", "day", "days"),
         "month": ("bulan", "month", "months"), "year": ("tahun", "year", "years")}


def _exempt() -> bool:
    # Only the public API counts; pages, static files and the staff's routes do not.
    return request.method == "OPTIONS" or not is_public_path(request.path)


def _export_limit() -> str:
    return current_app.config["RATELIMIT_EXPORT"]


def _not_an_export() -> bool:
    # The dictionary describes the files; reading it downloads no data.
    return request.endpoint == "exports.export_dictionary"


def _spends_export_budget(response) -> bool:
    """Only a download spends: a 304 revalidation, a 422 or a 429 does not."""
    return response.status_code == 200


def _per(item) -> tuple[str, str]:
    """'30 per 1 hour' -> ('per jam', 'per hour'); '5 per 2 hours' -> ('per 2 jam', ...)."""
    indonesian, one, many = UNITS.get(item.GRANULARITY.name, (item.GRANULARITY.name,) * 3)
    if item.multiples == 1:
        return f"per {indonesian}", f"per {one}"
    return f"per {item.multiples} {indonesian}", f"per {item.multiples} {many}"


def _wait(seconds: float) -> tuple[str, str]:
    """Say about how long to wait: ('12 menit', '12 minutes'); Retry-After has the exact count."""
    seconds = max(1, round(seconds))
    if seconds < 120:
        return f"{seconds} detik", f"{seconds} seconds"
    minutes = round(seconds / 60)
    return f"{minutes} menit", f"{minutes} minutes"


def too_many_requests(error: RateLimitExceeded):
    """Answer 429 in the error shape, saying which budget and how long to wait, id + en."""
    item = error.limit.limit
    per_id, per_en = _per(item)
    current = current_app.extensions["directory.limiter"].current_limit
    wait_id, wait_en = _wait(current.reset_at - time.time() if current else item.get_expiry())
    if error.limit.scope == EXPORT_SCOPE:
        message = (f"Batas unduhan data tercapai: {item.amount} unduhan {per_id} per alamat. "
                   f"Coba lagi dalam {wait_id}. / Export limit reached: {item.amount} "
                   f"download{'' if item.amount == 1 else 's'} {per_en} per address. "
                   f"Try again in {wait_en}.")
    else:
        message = (f"Terlalu banyak permintaan: batasnya {item.amount} {per_id} per alamat. "
                   f"Coba lagi dalam {wait_id}. / Too many requests: the limit is "
                   f"{item.amount} {per_en} per address. Try again in {wait_en}.")
    return error_response(429, message)


def show_export_budget(response):
    """On an export, the X-RateLimit-* headers describe the export budget, not the API's."""
    limiter = current_app.extensions["directory.limiter"]
    export = next((limit for limit in limiter.current_limits
                   if EXPORT_SCOPE in limit.request_args), None)
    if export is not None and "X-RateLimit-Limit" in response.headers:
        response.headers["X-RateLimit-Limit"] = str(export.limit.amount)
        response.headers["X-RateLimit-Remaining"] = str(export.remaining)
        response.headers["X-RateLimit-Reset"] = str(export.reset_at)
    return response


def cap_request_body():
    """Refuse a body over MAX_CONTENT_LENGTH before any view reads it (413)."""
    cap = current_app.config.get("MAX_CONTENT_LENGTH")
    if cap and request.content_length and request.content_length > cap:
        raise RequestEntityTooLarge(f"The request body is larger than {cap} bytes.")


def init_app(app) -> None:
    hops = int(app.config.get("PROXY_FIX_X_FOR", 0))
    if hops:  # behind nginx & co. the client's address is in X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)
    # The one 413 check: before the limiter's own hook, so an oversized body spends no budget.
    app.before_request(cap_request_body)
    # One Limiter per app: flask-limiter keeps its settings on the instance.
    limiter = Limiter(key_func=get_remote_address, application_limits_exempt_when=_exempt)
    from .api.exports import blp as exports

    # The exports read the whole directory: their own, smaller budget on top.
    limiter.shared_limit(_export_limit, scope=EXPORT_SCOPE, exempt_when=_not_an_export,
                         deduct_when=_spends_export_budget)(exports)
    # after_request hooks run last-registered first: this one runs after the limiter's.
    app.after_request(show_export_budget)
    limiter.init_app(app)
    app.extensions["directory.limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, too_many_requests)
