"""Photo use-cases: add, caption, reorder and remove a business's photos; sweep orphan files.

`add_photo(business, data, ...)` is the one way a picture enters the directory (staff API,
staff page, .zip import, sample, and later Instagram drafts): bytes in, a Photo row in the
session out. Files are written before the commit, so a rolled-back write can leave files no
row names: `sweep_orphans()` (the `cleanup-photos` command) removes them after a grace time.
"""

from flask import current_app
from sqlalchemy import func, select

from . import audit, photos
from .errors import ApiError, Conflict, NotFound
from .models import Business, Photo, db, utcnow

ORPHAN_GRACE_SECONDS = 3600  # an upload between its files and its commit is not an orphan


def photo_dir() -> str:
    return current_app.config["PHOTO_DIR"]


def prepare(data: bytes, filename: str | None = None,
            media_type: str | None = None) -> photos.PreparedPhoto:
    """Check and render an upload with this app's limits; ApiError (4xx) when refused."""
    try:
        return photos.prepare(data, filename=filename, media_type=media_type,
                              max_bytes=int(current_app.config["PHOTO_MAX_BYTES"]),
                              max_pixels=current_app.config.get("PHOTO_MAX_PIXELS"))
    except photos.PhotoRejected as error:
        raise ApiError(str(error), {"file": [str(error)]}, status=error.status) from error


def add_prepared(business: Business, prepared: photos.PreparedPhoto, *,
                 caption: str | None = None, alt: str | None = None,
                 credit: str | None = None) -> Photo | None:
    """Write the files and add the Photo row; None when the business has this picture."""
    if any(p.digest == prepared.digest for p in business.photos):
        return None
    limit = int(current_app.config["PHOTO_MAX_PER_BUSINESS"])
    if len(business.photos) >= limit:
        raise Conflict(f"{business.slug!r} has {limit} photos already; remove one first.")
    photos.write_files(photo_dir(), prepared)
    photo = Photo(digest=prepared.digest, width=prepared.width, height=prepared.height,
                  widths=prepared.widths, caption=caption, alt=alt, credit=credit,
                  position=max((p.position for p in business.photos), default=-1) + 1)
    business.photos.append(photo)
    business.updated_at = utcnow()
    return photo


def add_photo(business: Business, data: bytes, *, filename: str | None = None,
              media_type: str | None = None, caption: str | None = None,
              alt: str | None = None, credit: str | None = None) -> Photo | None:
    """Check, render and store one picture for `business` (the caller commits)."""
    return add_prepared(business, prepare(data, filename, media_type),
                        caption=caption, alt=alt, credit=credit)


# -- staff ----------------------------------------------------------------------------------

def snapshot(photo: Photo) -> dict:
    return {"id": photo.id, "digest": photo.digest, "position": photo.position,
            "caption": photo.caption, "alt": photo.alt, "credit": photo.credit}


def _writing():
    """One unit of work (services.changing): a photo changes what the public sees."""
    from . import services  # here: services -> importers -> gallery

    return services.changing()


def _business(slug: str) -> Business:
    business = db.session.scalars(select(Business).where(Business.slug == slug)).first()
    if business is None:
        raise NotFound(f"No business with slug {slug!r}.")
    return business


def _photo(photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise NotFound(f"No photo with id {photo_id}.")
    return photo


def upload(slug: str, data: bytes, filename: str | None, media_type: str | None,
           fields: dict) -> Photo:
    """Add an uploaded photo to a business, at the end of its gallery."""
    prepared = prepare(data, filename, media_type)  # before any lock or transaction
    with _writing():
        business = _business(slug)
        photo = add_prepared(business, prepared, **fields)
        if photo is None:
            raise Conflict("This business has that photo already.")
        db.session.flush()
        audit.record("photo.create", slug, after=snapshot(photo))
    return photo


def list_photos(slug: str) -> list[Photo]:
    return list(_business(slug).photos)


def update(photo_id: int, fields: dict) -> Photo:
    """Change a photo's caption, alt text or credit."""
    with _writing():
        photo = _photo(photo_id)
        before = snapshot(photo)
        for name, value in fields.items():
            setattr(photo, name, value)
        photo.business.updated_at = utcnow()
        audit.record("photo.update", photo.business.slug, before, snapshot(photo))
    return photo


def reorder(slug: str, ids: list[int]) -> list[Photo]:
    """Put a business's photos in the order given; the first is the card's photo."""
    with _writing():
        business = _business(slug)
        current = {p.id: p for p in business.photos}
        if sorted(ids) != sorted(current) or len(set(ids)) != len(ids):
            raise ApiError("Give every photo id of this business exactly once.",
                           {"photos": [f"Expected the ids {sorted(current)}."]}, status=422)
        before = [p.id for p in business.photos]
        for position, photo_id in enumerate(ids):
            current[photo_id].position = position
        business.updated_at = utcnow()
        audit.record("photo.reorder", slug, {"photos": before}, {"photos": ids})
    db.session.refresh(business)
    return list(business.photos)


def delete(photo_id: int) -> None:
    """Remove a photo; its files go at once unless another photo shows the same picture."""
    with _writing():
        photo = _photo(photo_id)
        business, digest = photo.business, photo.digest
        audit.record("photo.delete", business.slug, before=snapshot(photo))
        business.photos.remove(photo)
        db.session.delete(photo)
        business.updated_at = utcnow()
    if not _referenced({digest}):
        photos.remove_files(photo_dir(), {digest})


def _referenced(digests: set[str]) -> set[str]:
    if not digests:
        return set()
    return set(db.session.scalars(select(Photo.digest).where(Photo.digest.in_(digests))))


def sweep_orphans(grace: float = ORPHAN_GRACE_SECONDS) -> int:
    """Remove files no photo names (older than `grace` seconds); return how many went."""
    stored = set(photos.stored_digests(photo_dir()))
    orphans = stored - _referenced(stored)
    return photos.remove_files(photo_dir(), orphans, older_than=grace)


def served_digest_is_public(digest: str) -> bool:
    """Return whether a live business shows this picture (deleted businesses' are hidden)."""
    statement = (select(func.count(Photo.id)).join(Business)
                 .where(Photo.digest == digest, Business.deleted_at.is_(None)))
    return bool(db.session.scalar(statement))
