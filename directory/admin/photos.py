"""Staff: a business's photos (upload, caption, reorder, remove)."""

from .. import gallery
from ..api.blueprint import Blueprint
from ..auth import require_token
from .schemas import (
    PhotoFormSchema,
    PhotoOrderSchema,
    PhotoUploadSchema,
    StaffPhotoPatchSchema,
    StaffPhotoSchema,
)

blp = Blueprint("admin_photos", __name__, description="Staff: photos of a business")
blp.before_request(require_token)  # every route of this blueprint needs a token


@blp.route("/businesses/<slug>/photos")
@blp.response(200, StaffPhotoSchema(many=True))
def list_photos(slug):
    """List a business's photos in gallery order (the first is the card's)."""
    return gallery.list_photos(slug)


@blp.route("/businesses/<slug>/photos", methods=["POST"])
@blp.arguments(PhotoFormSchema, location="form")
@blp.arguments(PhotoUploadSchema, location="files", as_kwargs=True)
@blp.response(201, StaffPhotoSchema)
@blp.alt_response(413, description="Larger than the photo size cap")
@blp.alt_response(415, description="Not a JPEG, PNG, WebP or HEIC image, or a type that lies")
def upload_photo(form, file, slug):
    """Upload a photo (multipart): re-encoded, EXIF and GPS removed, resized; added last.

    Refused with 415 when it is not an image or its name or type says another format, 413
    over the size cap, 422 when damaged or a decompression bomb.
    """
    data = file.read()
    return gallery.upload(slug, data, file.filename, file.mimetype, form)


@blp.route("/businesses/<slug>/photos/order", methods=["PUT"])
@blp.arguments(PhotoOrderSchema)
@blp.response(200, StaffPhotoSchema(many=True))
def reorder_photos(data, slug):
    """Put the photos in a new order: every photo id of the business, first shown first."""
    return gallery.reorder(slug, data["photos"])


@blp.route("/photos/<id:photo_id>", methods=["PATCH"])
@blp.arguments(StaffPhotoPatchSchema)
@blp.response(200, StaffPhotoSchema)
def update_photo(data, photo_id):
    """Change a photo's caption, alt text or credit."""
    return gallery.update(photo_id, data)


@blp.route("/photos/<id:photo_id>", methods=["DELETE"])
@blp.response(204)
def delete_photo(photo_id):
    """Remove a photo and, unless another photo shows the same picture, its files."""
    gallery.delete(photo_id)
