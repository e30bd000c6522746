"""Staff use-cases: edit businesses and appearances, import uploads; audited and indexed.

Every change holds the index writer first (503 when busy, nothing written), then commits
the database with its audit entries, then writes the index: never before the commit.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from . import audit, services
from .admin.schemas import StaffBusinessSchema, StaffFeatureSchema
from .errors import ApiError, Conflict, NotFound
from .importers import ImportFileError, ImportReport
from .importers.fields import slugify
from .models import Business, Feature, db, utcnow
from .search import get_index


@dataclass
class Change:
    """What one staff action touched: the businesses to re-index."""

    business_ids: set[int] = field(default_factory=set)


@contextmanager
def _change() -> Iterator[Change]:
    change = Change()
    index = get_index()
    try:
        with index.writing() as held:
            yield change
            db.session.commit()
            services.index_businesses(change.business_ids)
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict("That conflicts with a record already stored.") from error
    except BaseException:
        db.session.rollback()
        raise
    if held.stale:  # a rebuild swapped releases while we wrote: write the new one too
        services.index_businesses(change.business_ids)


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
    with _change() as change:
        if db.session.scalars(select(Business.id).where(Business.slug == slug)).first():
            raise Conflict(f"A business with slug {slug!r} exists.")
        business = Business(slug=slug, **data)
        db.session.add(business)
        db.session.flush()
        change.business_ids.add(business.id)
        audit.record("business.create", slug, after=business_snapshot(business))
    return business


def update_business(slug: str, data: dict) -> Business:
    with _change() as change:
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
        change.business_ids.add(business.id)
        audit.record("business.update", business.slug, before, business_snapshot(business))
    return business


def delete_business(slug: str) -> Business:
    """Soft delete: out of the public API and the index, kept in the database."""
    return _set_deleted(slug, deleted=True)


def restore_business(slug: str) -> Business:
    return _set_deleted(slug, deleted=False)


def _set_deleted(slug: str, deleted: bool) -> Business:
    with _change() as change:
        business = find_business(slug)
        if (business.deleted_at is not None) == deleted:
            state = "deleted" if deleted else "live"
            raise Conflict(f"{slug!r} is already {state}.")
        before = business_snapshot(business)
        business.deleted_at = utcnow() if deleted else None
        db.session.flush()
        change.business_ids.add(business.id)
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
    with _change() as change:
        business = find_business(slug)
        _unique_feature(business.id, data)
        feature = Feature(**data)
        business.features.append(feature)
        db.session.flush()
        change.business_ids.add(business.id)
        audit.record("feature.create", slug, after=feature_snapshot(feature))
    return feature


def update_feature(feature_id: int, data: dict) -> Feature:
    with _change() as change:
        feature = _feature(feature_id)
        before = feature_snapshot(feature)
        merged = {"rubric_slug": feature.rubric_slug, "featured_on": feature.featured_on, **data}
        _unique_feature(feature.business_id, merged, own_id=feature.id)
        for name, value in data.items():
            setattr(feature, name, value)
        db.session.flush()
        change.business_ids.add(feature.business_id)
        audit.record("feature.update", feature.business.slug, before, feature_snapshot(feature))
    return feature


def delete_feature(feature_id: int) -> None:
    with _change() as change:
        feature = _feature(feature_id)
        before = feature_snapshot(feature)
        change.business_ids.add(feature.business_id)
        slug = feature.business.slug
        feature.business.features.remove(feature)
        db.session.delete(feature)
        audit.record("feature.delete", slug, before=before)


def import_upload(data: bytes, filename: str, dry_run: bool) -> ImportReport:
    """Run the staff importer on an upload; a dry run holds no lock and writes nothing."""
    try:
        if dry_run:
            return services.import_bytes(data, filename, dry_run=True)
        index = get_index()
        with index.writing() as held:
            # import_bytes commits, then indexes through the writer held here.
            report = services.import_bytes(
                data, filename, before_commit=lambda report: _import_audit(report, filename))
        if held.stale:
            services.index_businesses(report.changed_ids)
        return report
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
