"""GET /photos/<digest>-<width>.<webp|jpg>: stored renditions, cached for a year.

A file's name is its content hash, so its bytes never change: browsers and proxies may keep
it forever (`immutable`). Only photos a live business shows are served.
"""

from flask import Blueprint, Response, abort, current_app, request

from . import gallery, photos

bp = Blueprint("photo_files", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/photos/<name>")
def photo_file(name):
    """Serve one rendition of a photo."""
    match = photos.FILE_NAME.match(name)
    if not match or not gallery.served_digest_is_public(match["digest"]):
        abort(404)
    path = photos.path_of(current_app.config["PHOTO_DIR"], name)
    try:
        data = path.read_bytes()  # a few hundred KB at most: read whole, no file left open
    except FileNotFoundError:
        abort(404)
    response = Response(data, mimetype="image/webp" if match["ext"] == "webp" else "image/jpeg")
    response.set_etag(name)  # the name is the content's hash
    response = response.make_conditional(request)
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
