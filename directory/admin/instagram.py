"""Staff: drafts from the city's Instagram archive: upload, review, correct, publish, discard."""

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate

from ..api.blueprint import Blueprint
from ..api.links import page_answer
from ..auth import require_token
from ..errors import ApiError
from ..instagram import archive, drafts
from ..instagram.cli import describe
from ..reference import MAX_LENGTH
from ..schemas import PageArgs, PageSchema
from ..timestamps import Timestamp

blp = Blueprint("admin_instagram", __name__, description="Staff: drafts from Instagram")
blp.before_request(require_token)


class DraftListArgs(PageArgs):
    state = fields.String(load_default="pending", validate=validate.OneOf(drafts.STATES))


class UploadArgs(Schema):
    dry_run = fields.Boolean(load_default=False)


class UploadSchema(Schema):
    file = Upload(required=True, metadata={
        "description": "The archive ZIP (Download your information, JSON) or a saved "
                       "posts_*.json / media listing page"})


class ExtractedSchema(Schema):
    value = fields.Raw(allow_none=True)
    line = fields.Integer(allow_none=True, metadata={"description": "1-based caption line"})
    rule = fields.String()
    confidence = fields.String(metadata={"description": "high, medium, low or none"})


class DraftValuesSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # The limits of the business fields, so a draft that loads is a business that saves.
    name = fields.String(allow_none=True, validate=validate.Length(max=MAX_LENGTH["name"]))
    category = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    kelurahan = fields.String(allow_none=True)
    address = fields.String(allow_none=True,
                            validate=validate.Length(max=MAX_LENGTH["address"]))
    products = fields.List(fields.String(validate=validate.Length(max=100)), allow_none=True)
    instagram = fields.String(allow_none=True)
    whatsapp = fields.String(allow_none=True)
    description = fields.String(allow_none=True,
                                validate=validate.Length(max=MAX_LENGTH["description"]))
    rubric = fields.String(allow_none=True)
    featured_on = fields.String(allow_none=True)
    post_url = fields.String(allow_none=True)


class DraftSchema(Schema):
    id = fields.Integer()
    state = fields.String()
    taken_at = Timestamp()
    permalink = fields.String(allow_none=True)
    caption = fields.String()
    extracted = fields.Dict(keys=fields.String(), values=fields.Nested(ExtractedSchema))
    values = fields.Nested(DraftValuesSchema)
    photos = fields.Function(lambda d: len(d.photos), metadata={
        "description": "How many of the post's images are kept with the draft"})
    match_slug = fields.String(allow_none=True)
    match_reason = fields.String(allow_none=True)
    business_slug = fields.String(allow_none=True)
    notes = fields.List(fields.String(), dump_default=[], metadata={
        "description": "On publish: images the photo pipeline refused, left out"})


class DraftPageSchema(PageSchema):
    items = fields.List(fields.Nested(DraftSchema))


class ImportSummarySchema(Schema):
    dry_run = fields.Boolean()
    posts = fields.Integer()
    skipped_no_rubric = fields.Integer()
    already_imported = fields.Integer()
    drafts = fields.Integer()
    matches = fields.Integer()
    titles = fields.List(fields.String())
    summary = fields.String()


class PublishSchema(Schema):
    merge_into = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Slug of the business this post features again; none: a new one"})


@blp.route("/instagram/imports", methods=["POST"])
@blp.arguments(UploadArgs, location="query", as_kwargs=True)
@blp.arguments(UploadSchema, location="files", as_kwargs=True)
@blp.response(200, ImportSummarySchema)
def upload(dry_run, file):
    """Read an archive or listing into drafts; nothing becomes public. Idempotent."""
    try:
        posts = archive.read(file.read(), file.filename or "upload")
    except archive.ArchiveError as error:
        raise ApiError("The file was not imported, nothing changed.",
                       {"file": [str(error)]}, status=422) from error
    summary = drafts.import_posts(posts, dry_run=dry_run)
    return {**summary, "dry_run": dry_run, "summary": describe(summary, dry_run)}


@blp.route("/instagram/drafts")
@blp.arguments(DraftListArgs, location="query", as_kwargs=True)
@blp.response(200, DraftPageSchema)
def list_drafts(state, page, per_page):
    """List drafts, newest post first (pending by default)."""
    items, total = drafts.drafts(state, page, per_page)
    return page_answer(items, total, page, per_page, DraftListArgs)


@blp.route("/instagram/drafts/<id:draft_id>")
@blp.response(200, DraftSchema)
def get_draft(draft_id):
    """Return one draft with its caption, extracted fields and values."""
    return drafts.get(draft_id)


@blp.route("/instagram/drafts/<id:draft_id>", methods=["PATCH"])
@blp.arguments(DraftValuesSchema)
@blp.response(200, DraftSchema)
@blp.alt_response(409, description="The draft was published or discarded already")
def update_draft(values, draft_id):
    """Correct what the caption did not say; checked when the draft is published."""
    return drafts.update(draft_id, values)


@blp.route("/instagram/drafts/<id:draft_id>/publish", methods=["POST"])
@blp.arguments(PublishSchema)
@blp.response(200, DraftSchema)
@blp.alt_response(409, description="Already published/discarded, or the appearance exists")
def publish_draft(body, draft_id):
    """Publish: a new business, or a new appearance of `merge_into`. Audited."""
    return drafts.publish(draft_id, body.get("merge_into"))


@blp.route("/instagram/drafts/<id:draft_id>/discard", methods=["POST"])
@blp.response(200, DraftSchema)
@blp.alt_response(409, description="The draft was published or discarded already")
def discard_draft(draft_id):
    """Discard a draft (a post that is not a feature); audited, never public."""
    return drafts.discard(draft_id)
