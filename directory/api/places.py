"""Reference lists with counts: categories, districts (kecamatan and kelurahan), rubrics."""

from .. import services
from ..schemas import CategorySchema, DistrictSchema, RubricSchema, list_of
from .blueprint import Blueprint

blp = Blueprint("reference", __name__, description="Categories, places and rubrics")


@blp.route("/categories")
@blp.response(200, list_of(CategorySchema))
def list_categories():
    """List the categories with the number of businesses in each."""
    return {"items": services.categories()}


@blp.route("/districts")
@blp.response(200, list_of(DistrictSchema))
def list_districts():
    """List the 5 kecamatan with their kelurahan and business counts."""
    return {"items": services.districts()}


@blp.route("/rubrics")
@blp.response(200, list_of(RubricSchema))
def list_rubrics():
    """List the rubrics with the number of businesses featured in each."""
    return {"items": services.rubrics()}
