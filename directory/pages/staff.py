"""/staff: the staff page, a shell whose every call to /api/v1/admin sends the staff token.

The page is public (it holds no data); its script and styles come from /assets/.
"""

from flask import make_response, render_template

from . import bp


@bp.get("/staff")
def staff():
    """Serve the staff page (Bahasa Indonesia)."""
    response = make_response(render_template("staff.html"))
    # The token is typed here: no referrer, and never a cached copy.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    return response
