"""Drafts from the city's Instagram posts: kept until a person publishes or discards them.

Nothing here is public. Publishing goes through the staff write path (the same validation,
transaction and audit as an edit on the staff page); a draft that matches an existing
business (same handle, same phone, or a very similar name in the same kelurahan) is
proposed as a new appearance of it.
"""

import difflib
import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import JSON, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from .. import audit, services, staff
from ..errors import ApiError, Conflict, NotFound
from ..models import Business, db, utcnow
from . import archive, extract

STATES = ("pending", "published", "discarded")
EDITABLE = ("name", "category", "district", "kelurahan", "address", "products", "instagram",
            "whatsapp", "description", "rubric", "featured_on", "post_url")
SIMILAR_NAME = 0.85
TWIN_WINDOW = timedelta(seconds=120)


class InstagramDraft(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    instagram_id: Mapped[str | None] = mapped_column(unique=True)
    taken_at: Mapped[datetime] = mapped_column(unique=True)  # UTC, to the second
    permalink: Mapped[str | None]
    caption: Mapped[str]
    # field -> {value, line, rule, confidence}, as extracted (kept to show where it came from)
    extracted: Mapped[dict] = mapped_column(JSON)
    values: Mapped[dict] = mapped_column(JSON)  # what staff confirmed or corrected
    photos: Mapped[list[str]] = mapped_column(JSON, default=list)  # stored file names
    match_slug: Mapped[str | None]  # the existing business it seems to be
    match_reason: Mapped[str | None]
    state: Mapped[str] = mapped_column(default="pending", index=True)
    business_slug: Mapped[str | None]  # set when published
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportSummary(dict):
    """posts, skipped_no_rubric, already_imported, drafts, matches (a dict, for JSON)."""


def own_accounts() -> frozenset[str]:
    return frozenset(a.casefold() for a in current_app.config["INSTAGRAM_OWN_ACCOUNTS"])


def import_posts(posts: list[archive.Post], dry_run: bool = False) -> ImportSummary:
    """Turn posts into drafts; a post seen before (same id or second) proposes nothing."""
    summary = ImportSummary(posts=len(posts), skipped_no_rubric=0, already_imported=0,
                            drafts=0, matches=0, titles=[])
    for post in posts:
        taken = post.taken_at.replace(tzinfo=None)
        # The archive's time and the listing's may differ by seconds: the same post within
        # two minutes, as when the two are read together (archive._merge).
        conditions = [InstagramDraft.taken_at.between(taken - TWIN_WINDOW, taken + TWIN_WINDOW)]
        if post.instagram_id:
            conditions.append(InstagramDraft.instagram_id == post.instagram_id)
        existing = db.session.scalars(select(InstagramDraft).where(or_(*conditions))).first()
        if existing is not None:
            summary["already_imported"] += 1
            if post.permalink and not existing.permalink and not dry_run:
                existing.permalink, existing.instagram_id = post.permalink, post.instagram_id
                existing.values = {**existing.values, "post_url": post.permalink}
            continue
        fields = extract.extract(post.caption, post.taken_at, own_accounts())
        if fields is None:
            summary["skipped_no_rubric"] += 1
            continue
        values = {name: fields[name]["value"] for name in EDITABLE if name in fields}
        values["post_url"] = post.permalink
        match, reason = _match(values)
        summary["drafts"] += 1
        summary["matches"] += bool(match)
        summary["titles"].append(values.get("name") or post.caption[:60])
        if dry_run:
            continue
        draft = InstagramDraft(instagram_id=post.instagram_id, taken_at=taken,
                               permalink=post.permalink, caption=post.caption,
                               extracted=fields, values=values, match_slug=match,
                               match_reason=reason, photos=_keep_photos(post))
        db.session.add(draft)
        db.session.flush()
        audit.record("instagram.draft", str(draft.id), after={"name": values.get("name"),
                                                               "taken_at": taken.isoformat()})
    if not dry_run:
        db.session.commit()
    return summary


def _keep_photos(post: archive.Post) -> list[str]:
    """Keep the post's images beside the draft (staff only) until it is published."""
    folder = Path(current_app.config["DRAFT_PHOTO_DIR"])
    names = []
    for media in post.media:
        if not media.data:
            continue
        suffix = Path(media.name).suffix.lower() or ".jpg"
        name = hashlib.sha256(media.data).hexdigest()[:32] + suffix
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / name).exists():
            (folder / name).write_bytes(media.data)
        names.append(name)
    return names


def _match(values: dict) -> tuple[str | None, str | None]:
    live = select(Business).where(Business.deleted_at.is_(None))
    if values.get("instagram"):
        found = db.session.scalars(live.where(Business.instagram == values["instagram"])).first()
        if found:
            return found.slug, "same Instagram account"
    if values.get("whatsapp"):
        found = db.session.scalars(live.where(Business.whatsapp == values["whatsapp"])).first()
        if found:
            return found.slug, "same phone number"
    if values.get("name") and values.get("kelurahan"):
        for business in db.session.scalars(
                live.where(Business.kelurahan_slug == values["kelurahan"])):
            ratio = difflib.SequenceMatcher(None, business.name.casefold(),
                                            values["name"].casefold()).ratio()
            if ratio >= SIMILAR_NAME:
                return business.slug, "similar name in the same kelurahan"
    return None, None


def drafts(state: str, page: int, per_page: int) -> tuple[list[InstagramDraft], int]:
    from sqlalchemy import func

    statement = select(InstagramDraft).where(InstagramDraft.state == state)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(statement.order_by(InstagramDraft.taken_at.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def get(draft_id: int) -> InstagramDraft:
    draft = db.session.get(InstagramDraft, draft_id)
    if draft is None:
        raise NotFound(f"No draft with id {draft_id}.")
    return draft


def _pending(draft_id: int) -> InstagramDraft:
    draft = get(draft_id)
    if draft.state != "pending":
        raise Conflict(f"Draft {draft_id} is already {draft.state}.")
    return draft


def update(draft_id: int, values: dict) -> InstagramDraft:
    draft = _pending(draft_id)
    draft.values = {**draft.values, **values}
    db.session.commit()
    return draft


def discard(draft_id: int) -> InstagramDraft:
    draft = _pending(draft_id)
    draft.state = "discarded"
    audit.record("instagram.discard", str(draft.id), before={"name": draft.values.get("name")})
    db.session.commit()
    return draft


def publish(draft_id: int, merge_into: str | None) -> InstagramDraft:
    """Publish as a new business, or as a new appearance of `merge_into`; same rules as the
    staff page (schemas, write path, audit). Nothing is public before this."""
    from ..records import StaffBusinessSchema, StaffFeatureSchema

    draft = _pending(draft_id)
    values = draft.values
    feature_in = {"rubric": values.get("rubric"), "featured_on": values.get("featured_on"),
                  "post_url": values.get("post_url")}
    try:
        feature = StaffFeatureSchema().load({k: v for k, v in feature_in.items() if v})
        if merge_into:
            slug = staff.find_business(merge_into).slug
        else:
            business_in = {k: values.get(k) for k in (
                "name", "category", "district", "kelurahan", "address", "products",
                "instagram", "whatsapp", "description")}
            business_in["products"] = business_in.get("products") or []
            business = StaffBusinessSchema().load(
                {k: v for k, v in business_in.items() if v not in (None, "")})
    except ValidationError as error:
        raise ApiError("The draft is not complete yet; correct the fields named.",
                       error.messages, status=422) from error
    prepared, notes = _prepared_photos(draft)  # checked before anything is written
    if not merge_into:
        slug = staff.create_business(business).slug
    staff.add_feature(slug, feature)
    with services.changing():  # the photos are business data: the index follows them
        draft = get(draft_id)
        added = _add_photos(slug, prepared, notes)
        draft.state, draft.business_slug = "published", slug
        audit.record("instagram.publish", str(draft.id),
                     after={"business": slug, "photos": added, "photo_notes": notes})
    draft.notes = notes
    return draft


def _prepared_photos(draft: InstagramDraft) -> tuple[list, list[str]]:
    """Run the post's images through the photo pipeline (EXIF and GPS stripped, resized);
    an image the pipeline refuses is left out with a note, never published as it came."""
    from .. import gallery

    folder = Path(current_app.config["DRAFT_PHOTO_DIR"])
    prepared, notes = [], []
    for number, name in enumerate(draft.photos, 1):
        try:
            prepared.append(gallery.prepare((folder / name).read_bytes(),
                                            filename=f"foto-{number}{Path(name).suffix}"))
        except (ApiError, OSError) as error:
            notes.append(str(getattr(error, "message", error)))
    return prepared, notes


def _add_photos(slug: str, prepared: list, notes: list[str]) -> int:
    from .. import gallery

    business = staff.find_business(slug)
    added = 0
    for photo in prepared:
        try:
            row = gallery.add_prepared(
                business, photo, alt=f"Foto {business.name} dari unggahan Instagram",
                credit="Instagram Pemerintah Kota Malang")
        except Conflict as error:  # the gallery is full: the appearance still publishes
            notes.append(error.message)
            break
        if row is not None:
            db.session.flush()
            audit.record("photo.create", slug, after=gallery.snapshot(row))
            added += 1
    return added


def featured_on(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value
