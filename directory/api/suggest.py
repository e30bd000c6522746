"""GET /suggest?q=kri: completions for the search box, cheap enough for every keystroke."""

from .. import services
from ..schemas import SuggestArgs, SuggestionListSchema
from .blueprint import Blueprint

blp = Blueprint("suggest", __name__, description="Search-box completions")


@blp.route("/suggest")
@blp.arguments(SuggestArgs, location="query", as_kwargs=True)
@blp.response(200, SuggestionListSchema)
def suggest(q):
    """Complete what a citizen is typing: business names, products, categories and places."""
    return {"items": services.suggest(q)}
