"""Staff: add or remove search vocabulary (spellings, synonyms, broader > narrower).

Additions apply to the next search in every worker (query-time expansion); the check
endpoint says which zero-result searches a line would fix before it is saved.
"""

from marshmallow import Schema, fields, validate

from .. import services, vocabulary_additions
from ..api.blueprint import Blueprint
from ..auth import require_token
from ..errors import ApiError, NotFound
from ..models import db
from ..timestamps import Timestamp

blp = Blueprint("admin_vocabulary", __name__, description="Staff: search vocabulary")
blp.before_request(require_token)

LINE = fields.String(
    required=True, validate=validate.Length(1, 1000),
    metadata={"description": "A group 'vermak, permak, jahit ulang' or a pair "
              "'oleh-oleh > keripik, bakpia'", "example": "vermak, permak, jahit ulang"})


class AdditionInSchema(Schema):
    text = LINE


class CheckArgs(Schema):
    days = fields.Integer(load_default=30, validate=validate.OneOf((7, 30, 90, 180)))


class AdditionSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "group or narrower"})
    broader = fields.String(allow_none=True)
    entries = fields.List(fields.String())
    text = fields.String(metadata={"description": "The line as staff wrote it, normalised"})
    created_by = fields.String()
    created_at = Timestamp()


class AdditionListSchema(Schema):
    items = fields.List(fields.Nested(AdditionSchema))


class FixSchema(Schema):
    query = fields.String()
    searches = fields.Integer(metadata={"description": "Times it found nothing"})
    found = fields.Integer(metadata={"description": "Businesses it finds with the line"})


class CheckSchema(Schema):
    text = fields.String()
    kind = fields.String()
    fixes = fields.List(fields.Nested(FixSchema))


def _parsed(text: str):
    try:
        return vocabulary_additions.parse(text)
    except vocabulary_additions.InvalidAddition as error:
        raise ApiError("The line is not a vocabulary group or pair.",
                       {"text": [str(error)]}, status=422) from error


@blp.route("/vocabulary")
@blp.response(200, AdditionListSchema)
def list_additions():
    """List the staff's additions, newest first (the shipped vocabulary is the base)."""
    return {"items": vocabulary_additions.listing()}


@blp.route("/vocabulary", methods=["POST"])
@blp.arguments(AdditionInSchema)
@blp.response(201, AdditionSchema)
@blp.alt_response(422, description="Not a group or a broader > narrower pair")
def add_addition(body):
    """Add a line; it applies to the next search in every worker. Audited."""
    _parsed(body["text"])
    return vocabulary_additions.add(body["text"])


@blp.route("/vocabulary/check", methods=["POST"])
@blp.arguments(AdditionInSchema)
@blp.arguments(CheckArgs, location="query", as_kwargs=True)
@blp.response(200, CheckSchema)
@blp.alt_response(422, description="Not a group or a broader > narrower pair")
def check_addition(body, days):
    """Dry run: which listed zero-result searches of the last `days` days the line fixes."""
    kind, _, _ = _parsed(body["text"])
    return {"text": body["text"], "kind": kind,
            "fixes": services.check_vocabulary_addition(body["text"], days=days)}


@blp.route("/vocabulary/<id:addition_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, description="No such addition")
def remove_addition(addition_id):
    """Remove an addition; searches stop using it at once. Audited."""
    row = db.session.get(vocabulary_additions.VocabularyAddition, addition_id)
    if row is None:
        raise NotFound(f"No vocabulary addition with id {addition_id}.")
    vocabulary_additions.remove(row)
