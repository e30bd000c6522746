"""Token-protected staff endpoints under /api/v1/admin (the staff page is in directory.pages).

Each admin blueprint checks the Bearer token in a before_request hook set where it is
defined, so a route added to one cannot skip it; tests walk the URL map to be sure.
"""

from flask_smorest.spec.plugins import integerconverter2paramschema
from werkzeug.routing import IntegerConverter

# The one place the staff API's prefix is written (the cache, the OpenAPI plugin and
# robots.txt read it here).
URL_PREFIX = "/api/v1/admin"


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id in a URL. A number longer than any id is an unknown URL (404),
    never a value the database driver cannot bind (a 500)."""

    regex = r"\d{1,18}"


def init_app(app) -> None:
    """Register the staff API (after the public API's init_app)."""
    from .. import audit, auth, jobs  # noqa: F401  (their tables)
    from ..api import api, spec

    app.url_map.converters["id"] = IdConverter  # before the blueprints' rules are added
    api.register_converter(IdConverter, integerconverter2paramschema)
    from . import businesses, instagram, operations, photos, searches, vocabulary

    # Named here, required of every operation under URL_PREFIX by spec.ErrorResponsesPlugin.
    api.spec.components.security_scheme(
        spec.BEARER, {"type": "http", "scheme": "bearer",
                      "description": "Staff token from `flask --app directory create-token`"})
    for blueprint in (businesses.blp, operations.blp, searches.blp, vocabulary.blp,
                      instagram.blp, photos.blp):
        api.register_blueprint(blueprint, url_prefix=URL_PREFIX)
    auth.init_app(app)
