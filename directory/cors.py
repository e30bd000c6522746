"""CORS for public reads: other sites' scripts may GET the API; admin routes never.

`CORS_ORIGINS` is "*" (anyone) or a list / comma-separated string of allowed origins.
"""

from flask import current_app, request

from .http_cache import is_public_path

EXPOSED = ("ETag", "Retry-After", "Content-Disposition", "X-RateLimit-Limit",
           "X-RateLimit-Remaining", "X-RateLimit-Reset")


def allowed_origins() -> list[str]:
    origins = current_app.config["CORS_ORIGINS"]
    if isinstance(origins, str):
        origins = [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]
    return list(origins)


def add_cors_headers(response):
    if request.method not in ("GET", "HEAD", "OPTIONS") or not is_public_path(request.path):
        return response
    origins = allowed_origins()
    origin = request.headers.get("Origin")
    if "*" in origins:
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        response.vary.add("Origin")
        if not origin or origin.rstrip("/") not in origins:
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED)
    if request.method == "OPTIONS":  # a preflight: only reads, only harmless headers
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def init_app(app) -> None:
    app.after_request(add_cors_headers)
