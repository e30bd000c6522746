"""Reach sums, the weekly cadence and the city's own register figures, for /api/v1/stats.

Reach (accounts a post reached) is known for some posts only: every sum travels with how
many posts had a figure, so a partial sum is never mistaken for a total.
"""

from datetime import timedelta

from sqlalchemy import extract, func, select

from .models import Business, Category, Feature, Kecamatan, Kelurahan, Rubric, db
from .reference import reference_data

LIVE = Business.deleted_at.is_(None)
GAP_DAYS = 14  # more than two weeks between posts: a week of the rubric was skipped
GAPS_LISTED = 10


def _reach_by(column) -> dict:
    """Return value -> {sum, posts_with_reach, posts} over appearances of live businesses."""
    statement = (select(column, func.coalesce(func.sum(Feature.reach), 0),
                        func.count(Feature.reach), func.count(Feature.id))
                 .select_from(Feature).join(Business, Business.id == Feature.business_id)
                 .join(Kelurahan, Kelurahan.slug == Business.kelurahan_slug)
                 .where(LIVE).group_by(column))
    return {row[0]: _figure(*row[1:]) for row in db.session.execute(statement)}


def _figure(total: int = 0, known: int = 0, posts: int = 0) -> dict:
    # No figure at all: no sum (a 0 would read as "reached nobody").
    return {"sum": int(total) if known else None, "posts_with_reach": known, "posts": posts,
            "complete": known == posts}


def reach() -> dict:
    """Return the reach in total and by rubric, kecamatan, category and year."""
    everything = db.session.execute(
        select(func.coalesce(func.sum(Feature.reach), 0), func.count(Feature.reach),
               func.count(Feature.id)).join(Business).where(LIVE)).one()
    by_rubric = _reach_by(Feature.rubric_slug)
    by_kecamatan = _reach_by(Kelurahan.kecamatan_slug)
    by_category = _reach_by(Business.category_slug)
    by_year = _reach_by(extract("year", Feature.featured_on))
    return {
        "total": _figure(*everything),
        "by_rubric": [{"slug": r.slug, "label": r.label, **by_rubric.get(r.slug, _figure())}
                      for r in db.session.scalars(select(Rubric).order_by(Rubric.position))],
        "by_kecamatan": [{"slug": k.slug, "name": k.name, "code": k.code,
                          **by_kecamatan.get(k.slug, _figure())}
                         for k in db.session.scalars(select(Kecamatan).order_by(Kecamatan.name))],
        "by_category": [{"slug": c.slug, "label": c.label, **by_category.get(c.slug, _figure())}
                        for c in db.session.scalars(select(Category).order_by(Category.position))],
        "by_year": [{"year": int(year), **figure} for year, figure in sorted(by_year.items())],
    }


def cadence() -> dict:
    """Return how regular the posts were: weeks with a post, posts a month, the gaps."""
    days = sorted(set(db.session.scalars(
        select(Feature.featured_on).join(Business).where(LIVE).distinct())))
    if not days:
        return {"weeks": 0, "weeks_with_post": 0, "posts_per_month": 0.0,
                "longest_gap_days": None, "gaps": []}
    posts = db.session.scalar(select(func.count(Feature.id)).join(Business).where(LIVE))
    first_monday = days[0] - timedelta(days=days[0].weekday())
    weeks = (days[-1] - first_monday).days // 7 + 1
    with_post = len({(d - first_monday).days // 7 for d in days})
    months = (days[-1].year - days[0].year) * 12 + days[-1].month - days[0].month + 1
    gaps = sorted(({"from": a, "to": b, "days": (b - a).days}
                   for a, b in zip(days, days[1:], strict=False) if (b - a).days > GAP_DAYS),
                  key=lambda gap: (-gap["days"], gap["from"]))
    longest = max(((b - a).days for a, b in zip(days, days[1:], strict=False)), default=None)
    return {"weeks": weeks, "weeks_with_post": with_post,
            "posts_per_month": round(posts / months, 2), "longest_gap_days": longest,
            "gaps": gaps[:GAPS_LISTED]}


def city_register() -> list[dict]:
    """Return the city's own UMKM figures with their source and date (reference data)."""
    return [dict(item) for item in reference_data().get("city_register", [])]


def featured_businesses() -> int:
    """Return how many distinct live businesses have at least one appearance."""
    return db.session.scalar(select(func.count(func.distinct(Feature.business_id)))
                             .join(Business).where(LIVE)) or 0
