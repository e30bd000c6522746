"""The reference lists with live counts: categories, districts (kecamatan with their
kelurahan), rubrics, sentra and ekraf subsectors, as GET /categories, /districts, /rubrics,
/sentra and /subsectors answer them. Counts are of live (not deleted) businesses.
"""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .models import Business, Category, Feature, Kecamatan, Kelurahan, Rubric, db


def _count_by(column) -> dict:
    statement = (select(column, func.count(Business.id)).select_from(Business)
                 .join(Kelurahan, Kelurahan.slug == Business.kelurahan_slug)
                 .where(Business.deleted_at.is_(None)).group_by(column))
    return dict(db.session.execute(statement).all())


def categories() -> list[dict]:
    counts = _count_by(Business.category_slug)
    rows = db.session.scalars(select(Category).order_by(Category.position))
    return [{"slug": c.slug, "label": c.label, "label_en": c.label_en,
             "count": counts.get(c.slug, 0)} for c in rows]


def districts() -> list[dict]:
    by_kecamatan = _count_by(Kelurahan.kecamatan_slug)
    by_kelurahan = _count_by(Business.kelurahan_slug)
    rows = db.session.scalars(select(Kecamatan).order_by(Kecamatan.name)
                              .options(selectinload(Kecamatan.kelurahan)))
    return [{
        "slug": k.slug, "name": k.name, "code": k.code, "count": by_kecamatan.get(k.slug, 0),
        "kelurahan": [{"slug": kel.slug, "name": kel.name, "also_written": kel.also_written,
                       "count": by_kelurahan.get(kel.slug, 0)} for kel in k.kelurahan],
    } for k in rows]


def rubrics() -> list[dict]:
    statement = (select(Feature.rubric_slug, func.count(func.distinct(Feature.business_id)))
                 .join(Business).where(Business.deleted_at.is_(None))
                 .group_by(Feature.rubric_slug))
    counts = dict(db.session.execute(statement).all())
    rows = db.session.scalars(select(Rubric).order_by(Rubric.position))
    return [{"slug": r.slug, "label": r.label, "about": r.about,
             "count": counts.get(r.slug, 0)} for r in rows]


def sentra() -> list[dict]:
    """Return every sentra with its Indonesian text and number of live businesses."""
    from .sentra import about, all_sentra

    counts = _count_by(Business.sentra_slug)
    codes = {k.name: k.code for k in db.session.scalars(select(Kecamatan))}
    return [{**s, "kecamatan_code": codes.get(s["kecamatan"]), "about": about(s),
             "count": counts.get(s["slug"], 0), "url": f"/sentra/{s['slug']}"}
            for s in all_sentra()]


def subsectors() -> list[dict]:
    """Return the 17 ekraf subsectors with their number of live businesses."""
    from .sentra import subsectors as listed

    counts = _count_by(Business.subsector_slug)
    return [{**s, "count": counts.get(s["slug"], 0)} for s in listed()]
