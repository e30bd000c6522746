"""Counts for journalists: businesses and appearances by place, category, rubric and time.

Every kecamatan, kelurahan, category and rubric is listed, with zeros, and every month from
the first appearance to the last, so a chart or a spreadsheet has no holes.
"""

from sqlalchemy import extract, func, select

from . import reach
from .models import Business, Category, Feature, Kecamatan, Kelurahan, Photo, Rubric, db
from .sentra import all_sentra, subsectors

LIVE = Business.deleted_at.is_(None)
YEAR = extract("year", Feature.featured_on)
MONTH = extract("month", Feature.featured_on)


def _businesses_by(column) -> dict:
    statement = (select(column, func.count(Business.id)).select_from(Business)
                 .join(Kelurahan, Kelurahan.slug == Business.kelurahan_slug)
                 .where(LIVE).group_by(column))
    return dict(db.session.execute(statement).all())


def _appearances(*columns, distinct_businesses=False):
    counted = func.count(func.distinct(Business.id)) if distinct_businesses else func.count()
    statement = (select(*columns, counted).select_from(Feature)
                 .join(Business, Business.id == Feature.business_id)
                 .join(Kelurahan, Kelurahan.slug == Business.kelurahan_slug)
                 .where(LIVE).group_by(*columns))
    return db.session.execute(statement).all()


def _by(*columns, distinct_businesses=False) -> dict:
    return {tuple(row[:-1]) if len(row) > 2 else row[0]: row[-1]
            for row in _appearances(*columns, distinct_businesses=distinct_businesses)}


HAS_PHOTO = select(Photo.id).where(Photo.business_id == Business.id).exists()
# What journalists count: how many businesses are registered, certified, buyable online.
HOLDS = {
    "halal_certified": Business.halal.is_not(None),
    "with_nib": Business.nib.is_not(None),
    "with_pirt": Business.pirt.is_not(None),
    "accept_qris": Business.qris.is_(True),
    "with_price": Business.price_min.is_not(None),
    "with_order_links": func.coalesce(func.json_array_length(Business.order_links), 0) > 0,
    "with_photos": HAS_PHOTO,
}
PER_PLACE = ("halal_certified", "with_nib")


def _holds_by(column=None) -> dict:
    """Return {key or None: {count name: n}} of the HOLDS, per value of `column`."""
    counted = [func.count(Business.id).filter(condition).label(name)
               for name, condition in HOLDS.items()]
    statement = (select(*([column] if column is not None else []), *counted)
                 .select_from(Business)
                 .join(Kelurahan, Kelurahan.slug == Business.kelurahan_slug).where(LIVE))
    if column is not None:
        statement = statement.group_by(column)
    found = {}
    for row in db.session.execute(statement):
        values = row._asdict()
        key = values.pop(column.key) if column is not None else None
        found[key] = values
    return found


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def stats() -> dict:
    """Return every count the Statistik page and the journalists' guide talk about."""
    totals = db.session.execute(
        select(func.count(Business.id), func.count(Business.id).filter(Business.fictional))
        .where(LIVE)).one()
    span = db.session.execute(
        select(func.count(Feature.id), func.min(Feature.featured_on), func.max(Feature.featured_on))
        .join(Business, Business.id == Feature.business_id).where(LIVE)).one()

    kelurahan_businesses = _businesses_by(Business.kelurahan_slug)
    kelurahan_appearances = _by(Business.kelurahan_slug)
    kecamatan_businesses = _businesses_by(Kelurahan.kecamatan_slug)
    kecamatan_appearances = _by(Kelurahan.kecamatan_slug)
    kecamatan_years = _by(Kelurahan.kecamatan_slug, YEAR)
    category_businesses = _businesses_by(Business.category_slug)
    category_appearances = _by(Business.category_slug)
    rubric_businesses = _by(Feature.rubric_slug, distinct_businesses=True)
    rubric_appearances = _by(Feature.rubric_slug)
    sentra_businesses = _businesses_by(Business.sentra_slug)
    sentra_appearances = _by(Business.sentra_slug)
    subsector_businesses = _businesses_by(Business.subsector_slug)
    subsector_appearances = _by(Business.subsector_slug)
    year_businesses = _by(YEAR, distinct_businesses=True)
    year_appearances = _by(YEAR)
    month_rubric = _by(YEAR, MONTH, Feature.rubric_slug)
    holds = _holds_by().get(None, {})
    kecamatan_holds = _holds_by(Kelurahan.kecamatan_slug)
    category_holds = _holds_by(Business.category_slug)

    def held(counts: dict) -> dict:
        return {name: counts.get(name, 0) for name in PER_PLACE}

    kecamatan = db.session.scalars(select(Kecamatan).order_by(Kecamatan.name)).all()
    rubrics = db.session.scalars(select(Rubric).order_by(Rubric.position)).all()
    years = sorted(int(y) for y in year_appearances)
    months = (_months((span[1].year, span[1].month), (span[2].year, span[2].month))
              if span[1] else [])
    return {
        "totals": {"businesses": totals[0], "fictional_businesses": totals[1],
                   "featured_businesses": reach.featured_businesses(),
                   "appearances": span[0], "first_featured_on": span[1],
                   "last_featured_on": span[2],
                   **{name: holds.get(name, 0) for name in HOLDS}},
        "by_kecamatan": [{
            "slug": k.slug, "name": k.name, "businesses": kecamatan_businesses.get(k.slug, 0),
            "appearances": kecamatan_appearances.get(k.slug, 0),
            "appearances_by_year": {str(y): kecamatan_years.get((k.slug, y), 0) for y in years},
            **held(kecamatan_holds.get(k.slug, {})),
        } for k in kecamatan],
        "by_kelurahan": [{
            "slug": kel.slug, "name": kel.name, "kecamatan": k.slug,
            "businesses": kelurahan_businesses.get(kel.slug, 0),
            "appearances": kelurahan_appearances.get(kel.slug, 0),
        } for k in kecamatan for kel in k.kelurahan],
        "by_category": [{
            "slug": c.slug, "label": c.label, "label_en": c.label_en,
            "businesses": category_businesses.get(c.slug, 0),
            "appearances": category_appearances.get(c.slug, 0),
            **held(category_holds.get(c.slug, {})),
        } for c in db.session.scalars(select(Category).order_by(Category.position))],
        "by_rubric": [{
            "slug": r.slug, "label": r.label, "businesses": rubric_businesses.get(r.slug, 0),
            "appearances": rubric_appearances.get(r.slug, 0),
        } for r in rubrics],
        "by_sentra": [{
            "slug": s["slug"], "name": s["name"],
            "businesses": sentra_businesses.get(s["slug"], 0),
            "appearances": sentra_appearances.get(s["slug"], 0),
        } for s in all_sentra()],
        "by_subsector": [{
            "slug": s["slug"], "name": s["name"],
            "businesses": subsector_businesses.get(s["slug"], 0),
            "appearances": subsector_appearances.get(s["slug"], 0),
        } for s in subsectors()],
        "by_year": [{"year": y, "businesses": year_businesses.get(y, 0),
                     "appearances": year_appearances.get(y, 0)} for y in years],
        "by_month": [{
            "month": f"{y:04d}-{m:02d}",
            "appearances": sum(month_rubric.get((y, m, r.slug), 0) for r in rubrics),
            "by_rubric": {r.slug: month_rubric.get((y, m, r.slug), 0) for r in rubrics},
        } for y, m in months],
        "reach": reach.reach(),
        "cadence": reach.cadence(),
        "city_register": reach.city_register(),
    }
