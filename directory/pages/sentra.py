"""/sentra and /sentra/<slug>: the production centres and thematic kampung, with their businesses.

Rendered on the server like /b/<slug>, so search engines and link previews see them.
"""

from flask import abort, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..models import Business, db
from ..reference import kecamatan_lookup, place_key
from ..schemas import BusinessSummarySchema
from ..sentra import about, all_sentra, sentra_by_slug
from . import bp


def business_counts() -> dict[str, int]:
    """Return sentra slug -> live businesses belonging to it."""
    return dict(db.session.execute(
        select(Business.sentra_slug, func.count(Business.id))
        .where(Business.deleted_at.is_(None), Business.sentra_slug.is_not(None))
        .group_by(Business.sentra_slug)).all())


@bp.get("/sentra")
def sentra_list():
    """List every sentra with its number of businesses."""
    counts = business_counts()
    items = [{**s, "count": counts.get(s["slug"], 0)} for s in all_sentra()]
    groups = [("Tujuh sentra yang disebut Pemkot Malang (Agustus 2024)",
               [s for s in items if s["named_by_city_2024"]]),
              ("Kampung tematik", [s for s in items if not s["named_by_city_2024"]])]
    return render_template("sentra-list.html", groups=groups)


@bp.get("/sentra/<slug>")
def sentra_page(slug: str):
    """Show one sentra: what it makes, where, and the businesses of it in the directory."""
    sentra = sentra_by_slug().get(slug)
    if sentra is None:
        abort(404)
    businesses = db.session.scalars(
        select(Business).where(Business.deleted_at.is_(None), Business.sentra_slug == slug)
        .options(selectinload(Business.features)).order_by(Business.name))
    item = {**sentra, "kecamatan_slug": kecamatan_lookup()[place_key(sentra["kecamatan"])]}
    return render_template("sentra.html", s=item, about=about(sentra),
                           businesses=BusinessSummarySchema(many=True).dump(businesses))
