"""Public read API v1, documented by flask-smorest from the same marshmallow schemas."""

from flask_smorest import Api

from . import businesses, features, places

api = Api()


def init_app(app) -> None:
    api.init_app(app)
    for blueprint in (businesses.blp, places.blp, features.blp):
        api.register_blueprint(blueprint, url_prefix="/api/v1")
