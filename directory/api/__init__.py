"""Public read API v1, documented by flask-smorest from the same marshmallow schemas."""

from flask_smorest import Api

from . import businesses, changes, exports, features, places, spec, stats, suggest


class DirectoryApi(Api):
    ERROR_SCHEMA = spec.ErrorSchema  # every documented error answer has the project's shape


api = DirectoryApi(spec_kwargs={"extra_plugins": [spec.ErrorResponsesPlugin()]})


def init_app(app) -> None:
    api.init_app(app)
    spec.document(api)
    for blueprint in (businesses.blp, places.blp, features.blp, stats.blp, exports.blp,
                      suggest.blp, changes.blp):
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    # Outside /api/v1 but documented with it: the feeds, sitemap, robots.txt and /data.json.
    from .. import catalogue, feeds

    api.register_blueprint(feeds.bp)
    api.register_blueprint(catalogue.bp)
