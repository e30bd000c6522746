"""Staff editing of businesses (soft delete, restore) and their appearances."""

from .. import staff
from ..api.blueprint import Blueprint
from ..api.links import page_answer
from ..auth import require_token
from .schemas import (
    BusinessListArgs,
    StaffBusinessPageSchema,
    StaffBusinessPatchSchema,
    StaffBusinessSchema,
    StaffFeaturePatchSchema,
    StaffFeatureSchema,
)

blp = Blueprint("admin_businesses", __name__, description="Staff: edit businesses")
blp.before_request(require_token)  # every route of this blueprint needs a token


@blp.route("/businesses")
@blp.arguments(BusinessListArgs, location="query", as_kwargs=True)
@blp.response(200, StaffBusinessPageSchema)
def list_businesses(q, deleted, page, per_page):
    """List businesses by name, deleted ones on request."""
    items, total = staff.list_businesses(q, deleted, page, per_page)
    return page_answer(items, total, page, per_page, BusinessListArgs)


@blp.route("/businesses", methods=["POST"])
@blp.arguments(StaffBusinessSchema)
@blp.response(201, StaffBusinessSchema)
def create_business(data):
    """Create a business; it is searchable when this answers."""
    return staff.create_business(data)


@blp.route("/businesses/<slug>")
@blp.response(200, StaffBusinessSchema)
def get_business(slug):
    """Return a business, deleted or not, with its appearances."""
    return staff.find_business(slug)


@blp.route("/businesses/<slug>", methods=["PATCH"])
@blp.arguments(StaffBusinessPatchSchema)
@blp.response(200, StaffBusinessSchema)
def update_business(data, slug):
    """Change some fields of a business."""
    return staff.update_business(slug, data)


@blp.route("/businesses/<slug>", methods=["DELETE"])
@blp.response(200, StaffBusinessSchema)
def delete_business(slug):
    """Soft-delete: hidden from the public API and search, kept for restore."""
    return staff.delete_business(slug)


@blp.route("/businesses/<slug>/restore", methods=["POST"])
@blp.response(200, StaffBusinessSchema)
def restore_business(slug):
    """Bring a soft-deleted business back."""
    return staff.restore_business(slug)


@blp.route("/businesses/<slug>/features", methods=["POST"])
@blp.arguments(StaffFeatureSchema)
@blp.response(201, StaffFeatureSchema)
def add_feature(data, slug):
    """Add an appearance (this week's post) to a business."""
    return staff.add_feature(slug, data)


@blp.route("/features/<id:feature_id>", methods=["PATCH"])
@blp.arguments(StaffFeaturePatchSchema)
@blp.response(200, StaffFeatureSchema)
def update_feature(data, feature_id):
    """Correct an appearance."""
    return staff.update_feature(feature_id, data)


@blp.route("/features/<id:feature_id>", methods=["DELETE"])
@blp.response(204)
def delete_feature(feature_id):
    """Remove an appearance entered by mistake (kept in the audit log)."""
    staff.delete_feature(feature_id)
