"""/assets/<file>: every page's scripts, styles and images, from frontend/.

Pages link them through `asset()`, with the file's version in the URL, so browsers keep
them for a year and fetch them again after a change.
"""

from flask import abort, redirect, request, send_from_directory, url_for

from . import FRONTEND_DIR, bp

ONE_YEAR = 365 * 24 * 3600

# Before /assets/ served every page, the Statistik, staff and API reference pages had their
# own file URLs; pages cached or bookmarked then still name these, so they redirect.
EARLIER_ASSET_URLS = {
    "/statistik/stats.js": "stats.js",
    "/statistik/stats.css": "stats.css",
    "/statistik/style.css": "style.css",
    "/staff/staff.js": "staff.js",
    "/staff/staff.css": "staff.css",
    "/staff/staff-searches.js": "staff-searches.js",
    "/staff/staff-instagram.js": "staff-instagram.js",
    "/api/docs/docs.js": "api-docs.js",
    "/api/docs/docs.css": "api-docs.css",
}


# Not /static: Flask's own static route owns that path in every app.
@bp.get("/assets/<path:filename>")
def asset(filename):
    """Serve a file of frontend/ (send_from_directory refuses paths outside it)."""
    # A versioned URL (?v=mtime, from asset()) never changes content: cache it for a year.
    max_age = ONE_YEAR if request.args.get("v") else None
    return send_from_directory(FRONTEND_DIR, filename, max_age=max_age)


@bp.get("/favicon.ico")
def favicon():
    """Serve the icon where browsers look for it unasked (a JSON answer opened in a tab)."""
    return send_from_directory(FRONTEND_DIR, "icon.svg", mimetype="image/svg+xml",
                               max_age=24 * 3600)


@bp.get("/statistik/<name>")
@bp.get("/staff/<name>")
@bp.get("/api/docs/<name>")
def earlier_asset(name):
    """Send an asset URL of before /assets/ to the file's URL now."""
    filename = EARLIER_ASSET_URLS.get(request.path)
    if filename is None:
        abort(404)
    return redirect(url_for("pages.asset", filename=filename), 301)


@bp.app_context_processor
def asset_helpers():
    """Let templates link assets with a version so browsers refetch after a change."""

    def asset_url(filename):
        path = FRONTEND_DIR / filename
        version = int(path.stat().st_mtime) if path.exists() else 0
        return url_for("pages.asset", filename=filename, v=version)

    return {"asset": asset_url}
