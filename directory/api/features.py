"""GET /features: the timeline of appearances, newest first."""

from .. import services
from ..schemas import FeatureListArgs, FeaturePageSchema
from .blueprint import Blueprint
from .links import page_answer

blp = Blueprint("features", __name__, description="Appearances in the rubrics")


@blp.route("/features")
@blp.arguments(FeatureListArgs, location="query", as_kwargs=True)
@blp.response(200, FeaturePageSchema)
def list_features(rubric, year, page, per_page):
    """List appearances newest first, filterable by rubric and year."""
    items, total = services.features_timeline(rubric, year, page, per_page)
    return page_answer(items, total, page, per_page, FeatureListArgs)
