"""GET /changes: every business created, changed, deleted or restored since a cursor."""

from marshmallow import EXCLUDE, Schema, fields, validate

from .. import changelog, exports
from ..normalise import MAX_INTEGER
from ..timestamps import Timestamp
from .blueprint import Blueprint
from .exports import BusinessRecordSchema

blp = Blueprint("changes", __name__, description="A change feed for apps that keep a copy")


class ChangesArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    since = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_INTEGER),
                           metadata={"description": "The `next_cursor` of your last call; "
                                                    "0 or absent: from the beginning"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000),
                           metadata={"description": "Entries per answer (max 1000)"})


class ChangeSchema(Schema):
    cursor = fields.Integer(attribute="id", metadata={"description": "This entry's position"})
    kind = fields.String(validate=validate.OneOf(changelog.KINDS))
    business_id = fields.Integer(metadata={"description": "Stable across slug changes"})
    slug = fields.String(metadata={"description": "The slug when the change was made"})
    at = Timestamp(metadata={"description": "When (RFC 3339, UTC)"})
    business = fields.Nested(BusinessRecordSchema, allow_none=True, metadata={
        "description": "The business as it is now, in the export's shape; null when it is "
                       "deleted now (a tombstone, or a later entry deletes it)"})


class ChangePageSchema(Schema):
    items = fields.List(fields.Nested(ChangeSchema))
    next_cursor = fields.Integer(metadata={"description": "Pass as `since` next time"})
    has_more = fields.Boolean(metadata={"description": "More entries wait: call again now"})
    links = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))


@blp.route("/changes")
@blp.arguments(ChangesArgs, location="query", as_kwargs=True)
@blp.response(200, ChangePageSchema)
def list_changes(since, limit):
    """List the changes after a cursor, oldest first, each with the business as it is now.

    Apply them in order: `deleted` (or `business: null`) removes the business with that
    `business_id`, any other kind stores `business`. Keep `next_cursor` for the next call.
    """
    entries = changelog.entries_since(since, limit + 1)
    has_more = len(entries) > limit
    entries = entries[:limit]
    records = exports.business_records(sorted({e.business_id for e in entries}))
    items = [{"id": e.id, "kind": e.kind, "business_id": e.business_id, "slug": e.slug,
              "at": e.at, "business": None if e.kind == changelog.DELETED
              else records.get(e.business_id)} for e in entries]
    next_cursor = entries[-1].id if entries else since
    body = {"items": items, "next_cursor": next_cursor, "has_more": has_more,
            "links": {"self": f"/api/v1/changes?since={since}&limit={limit}",
                      "next": f"/api/v1/changes?since={next_cursor}&limit={limit}"}}
    # Revalidate every time (the ETag still makes an unchanged answer a bodiless 304).
    return body, 200, {"Cache-Control": "no-cache"}
