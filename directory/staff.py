"""Staff use-cases: edit businesses and appearances, import uploads; audited and indexed.

Every change is one `services.changing()` unit of work: the rows, their audit entries and
change-log entries commit together; the index follows the log after the commit.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from . import audit, services
from .errors import ApiError, Conflict, NotFound
from .importers import ImportFileError, ImportReport
from .models import Business, Feature, db, utcnow
from .normalise import slugify
from .records import StaffBusinessSchema, StaffFeatureSchema


@contextmanager
def _change() -> Iterator[services.Change]:
    try:
        with services.changing() as change:
            yield change
    except IntegrityError as error:
        raise Conflict("That conflicts with a record already stored.") from error


def business_snapshot(business: Business) -> dict:
    data = StaffBusinessSchema(exclude=("features", "photos")).dump(business)
    return {k: v for k, v in data.items() if k not in ("created_at", "updated_at")}


def feature_snapshot(feature: Feature) -> dict:
    return StaffFeatureSchema().dump(feature)


def find_business(slug: str) -> Business:
    """Return the business with `slug`, deleted or not; NotFound otherwise."""
    business = db.session.scalars(select(Business).where(Business.slug == slug)
                                  .options(selectinload(Business.features))).first()
    if business is None:
        raise NotFound(f"No business with slug {slug!r}.")
    return business


def list_businesses(q: str, deleted: str, page: int, per_page: int):
    """Return one page of businesses by name, for staff (deleted ones on request)."""
    statement = select(Business).options(selectinload(Business.features))
    if deleted == "exclude":
        statement = statement.where(Business.deleted_at.is_(None))
    elif deleted == "only":
        statement = statement.where(Business.deleted_at.is_not(None))
    if q.strip():
        pattern = "%" + q.strip().replace("%", "").replace("_", "") + "%"
        statement = statement.where(or_(Business.name.ilike(pattern),
                                        Business.slug.ilike(pattern)))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = db.session.scalars(statement.order_by(Business.name)
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def create_business(data: dict) -> Business:
    slug = data.pop("slug", None) or slugify(data["name"])
    if not slug:
        raise ApiError("A slug cannot be derived from this name; give one.",
                       {"slug": ["Required for this name."]}, status=422)
    with _change():
        if db.session.scalars(select(Business.id).where(Business.slug == slug)).first():
            raise Conflict(f"A business with slug {slug!r} exists.")
        business = Business(slug=slug, **data)
        db.session.add(business)
        db.session.flush()
        audit.record("business.create", slug, after=business_snapshot(business))
    return business


def update_business(slug: str, data: dict) -> Business:
    with _change():
        business = find_business(slug)
        before = business_snapshot(business)
        new_slug = data.get("slug")
        if new_slug and new_slug != slug and db.session.scalars(
                select(Business.id).where(Business.slug == new_slug)).first():
            raise Conflict(f"A business with slug {new_slug!r} exists.")
        for name, value in data.items():
            setattr(business, name, value)
        # updated_at moves by its onupdate only when a value changed: saving an unchanged
        # form is no change (nor a change-log entry).
        db.session.flush()
        audit.record("business.update", business.slug, before, business_snapshot(business))
    return business


def delete_business(slug: str) -> Business:
    """Soft delete: out of the public API and the index, kept in the database."""
    return _set_deleted(slug, deleted=True)


def restore_business(slug: str) -> Business:
    return _set_deleted(slug, deleted=False)


def _set_deleted(slug: str, deleted: bool) -> Business:
    with _change():
        business = find_business(slug)
        if (business.deleted_at is not None) == deleted:
            state = "deleted" if deleted else "live"
            raise Conflict(f"{slug!r} is already {state}.")
        before = business_snapshot(business)
        business.deleted_at = utcnow() if deleted else None
        db.session.flush()
        action = "business.delete" if deleted else "business.restore"
        audit.record(action, slug, before, business_snapshot(business))
    return business


def _feature(feature_id: int) -> Feature:
    feature = db.session.get(Feature, feature_id)
    if feature is None:
        raise NotFound(f"No appearance with id {feature_id}.")
    return feature


def _unique_feature(business_id: int, data: dict, own_id: int | None = None) -> None:
    statement = select(Feature.id).where(Feature.business_id == business_id,
                                         Feature.rubric_slug == data["rubric_slug"],
                                         Feature.featured_on == data["featured_on"])
    found = db.session.scalars(statement).first()
    if found is not None and found != own_id:
        raise Conflict("This business already has that appearance (rubric and date).")


def add_feature(slug: str, data: dict) -> Feature:
    with _change():
        business = find_business(slug)
        _unique_feature(business.id, data)
        feature = Feature(**data)
        business.features.append(feature)
        db.session.flush()
        audit.record("feature.create", slug, after=feature_snapshot(feature))
    return feature


def update_feature(feature_id: int, data: dict) -> Feature:
    with _change():
        feature = _feature(feature_id)
        before = feature_snapshot(feature)
        merged = {"rubric_slug": feature.rubric_slug, "featured_on": feature.featured_on, **data}
        _unique_feature(feature.business_id, merged, own_id=feature.id)
        for name, value in data.items():
            setattr(feature, name, value)
        db.session.flush()
        audit.record("feature.update", feature.business.slug, before, feature_snapshot(feature))
    return feature


def delete_feature(feature_id: int) -> None:
    with _change():
        feature = _feature(feature_id)
        before = feature_snapshot(feature)
        slug = feature.business.slug
        feature.business.features.remove(feature)
        db.session.delete(feature)
        audit.record("feature.delete", slug, before=before)


def import_upload(data: bytes, filename: str, dry_run: bool) -> ImportReport:
    """Run the staff importer on an upload; a dry run writes nothing."""
    try:
        return services.import_bytes(
            data, filename, dry_run=dry_run,
            before_commit=lambda report: _import_audit(report, filename))
    except ImportFileError as error:
        raise ApiError(f"{filename} was not imported, nothing changed: {error}",
                       {"file": [str(error)]}, status=422) from error


def _import_audit(report: ImportReport, filename: str) -> None:
    slugs = sorted(db.session.scalars(select(Business.slug)
                                      .where(Business.id.in_(report.changed_ids))))
    audit.record("import", filename, after={
        "summary": report.summary(), "rows": report.rows, "skipped": report.skipped,
        "new_businesses": report.new_businesses, "new_features": report.new_features,
        "updated_businesses": report.updated_businesses, "changed": slugs[:500]})
