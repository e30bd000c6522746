"""Staff schemas: one per resource for load and dump; ids and timestamps are dump-only.

A business and an appearance are `records.py` (the service and Instagram drafts load and
dump them too); here are what only the HTTP layer needs: patches, photos, lists, imports,
jobs and the audit log. Unknown fields are rejected (marshmallow's RAISE).
"""

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..records import OptionalText, StaffBusinessSchema, StaffFeatureSchema, StaffSchema
from ..schemas import PageArgs, PageSchema
from ..timestamps import Timestamp


class StaffPhotoSchema(StaffSchema):
    """A photo as staff edit it: the words that go with it and its place in the gallery."""

    id = fields.Integer(dump_only=True)
    business = fields.Function(lambda p: p.business.slug, dump_only=True)
    position = fields.Integer(dump_only=True, metadata={"description": "0 is shown first"})
    caption = OptionalText(300)
    alt = OptionalText(300, metadata={"description": "Alt text; the caption when blank"})
    credit = OptionalText(200, metadata={"description": "Who took the photo"})
    width = fields.Integer(dump_only=True)
    height = fields.Integer(dump_only=True)
    src = fields.Function(lambda p: f"/photos/{p.digest}-{p.widths[0]}.jpg", dump_only=True,
                          metadata={"description": "The smallest JPEG, for a thumbnail"})
    created_at = Timestamp(dump_only=True)


class StaffPhotoPatchSchema(StaffPhotoSchema):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class PhotoUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "JPEG, PNG, WebP or HEIC"})


class PhotoFormSchema(Schema):
    """The text fields sent with an upload (multipart form)."""

    caption = OptionalText(300)
    alt = OptionalText(300)
    credit = OptionalText(200)


class PhotoOrderSchema(StaffSchema):
    photos = fields.List(fields.Integer(), required=True, validate=validate.Length(max=100),
                         metadata={"description": "Every photo id of the business, in the new "
                                                  "order"})


class StaffBusinessPatchSchema(StaffBusinessSchema):
    """The fields of a business to change (PATCH): any subset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class StaffFeaturePatchSchema(StaffFeatureSchema):
    """The fields of an appearance to change (PATCH): any subset."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class BusinessListArgs(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(max=200),
                      metadata={"description": "Part of the name or slug"})
    deleted = fields.String(load_default="exclude",
                            validate=validate.OneOf(["exclude", "include", "only"]))


class StaffBusinessPageSchema(PageSchema):
    items = fields.List(fields.Nested(StaffBusinessSchema))


class ImportArgs(Schema):
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "Report what would change; write nothing"})


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={
        "description": "A .csv or .json staff file, or a .zip of one sheet and the photos "
                       "its `photos` column names"})


class ImportNoteSchema(Schema):
    """A rejected row's error or a warning: where, a code with its parameters, two sentences."""

    line = fields.Integer(allow_none=True, metadata={"description": "null: the whole file"})
    column = fields.String(allow_none=True, metadata={
        "description": "The column as the file's header wrote it (`kecamatan`); `row` for "
                       "the whole row"})
    field = fields.String(allow_none=True, metadata={
        "description": "The format's name of that column (`district`)"})
    code = fields.String(metadata={"description": "Stable reason code, e.g. unknown_kecamatan"})
    params = fields.Dict(metadata={
        "description": "The code's parameters: value, suggest (nearest reference name), ..."})
    reason = fields.String(metadata={"description": "In English (the CLI's words)"})
    reason_id = fields.String(metadata={"description": "In Bahasa Indonesia (the staff page)"})


class ImportedBusinessSchema(Schema):
    slug = fields.String()
    name = fields.String()


class ImportReportSchema(Schema):
    dry_run = fields.Boolean()
    rows = fields.Integer()
    new_businesses = fields.Integer()
    new_features = fields.Integer()
    updated_businesses = fields.Integer()
    updated_features = fields.Integer()
    unchanged_rows = fields.Integer()
    new_photos = fields.Integer()
    skipped = fields.Integer()
    errors = fields.List(fields.Nested(ImportNoteSchema))
    warnings = fields.List(fields.Nested(ImportNoteSchema))
    created = fields.List(fields.Nested(ImportedBusinessSchema), metadata={
        "description": "Businesses the import creates (would create, in a dry run)"})
    updated = fields.List(fields.Nested(ImportedBusinessSchema), metadata={
        "description": "Existing businesses whose details or appearances it changes"})
    summary = fields.Function(lambda r: r.summary())


class JobSchema(Schema):
    id = fields.Integer()
    state = fields.String(metadata={
        "description": "running, done or failed (a job whose process stopped beating "
                       "reads failed, with an error starting 'interrupted')"})
    actor = fields.String()
    total = fields.Integer()
    done = fields.Integer()
    progress = fields.Float(metadata={"description": "0 to 1"})
    error = fields.String(allow_none=True)
    created_at = Timestamp()
    finished_at = Timestamp(allow_none=True)
    url = fields.Function(lambda j: f"/api/v1/admin/jobs/{j.id}")


class JobListSchema(Schema):
    items = fields.List(fields.Nested(JobSchema))


class AuditArgs(PageArgs):
    action = fields.String(load_default=None)
    target = fields.String(load_default=None)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = Timestamp()
    actor = fields.String()
    action = fields.String()
    target = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)


class AuditPageSchema(PageSchema):
    items = fields.List(fields.Nested(AuditEntrySchema))


class WhoAmISchema(Schema):
    name = fields.String()
