"""Reference lists with counts: categories, districts (kecamatan and kelurahan), rubrics,
sentra and ekraf subsectors."""

from .. import listings
from ..errors import NotFound
from ..schemas import (
    CategorySchema,
    DistrictSchema,
    RubricSchema,
    SentraSchema,
    SubsectorSchema,
    list_of,
)
from .blueprint import Blueprint

blp = Blueprint("reference", __name__, description="Categories, places and rubrics")


@blp.route("/categories")
@blp.response(200, list_of(CategorySchema))
def list_categories():
    """List the categories with the number of businesses in each."""
    return {"items": listings.categories()}


@blp.route("/districts")
@blp.response(200, list_of(DistrictSchema))
def list_districts():
    """List the 5 kecamatan with their kelurahan and business counts."""
    return {"items": listings.districts()}


@blp.route("/rubrics")
@blp.response(200, list_of(RubricSchema))
def list_rubrics():
    """List the rubrics with the number of businesses featured in each."""
    return {"items": listings.rubrics()}


@blp.route("/sentra")
@blp.response(200, list_of(SentraSchema))
def list_sentra():
    """List the sentra (the 7 the city named in 2024, then thematic kampung) with counts."""
    return {"items": listings.sentra()}


@blp.route("/sentra/<slug>")
@blp.response(200, SentraSchema)
def get_sentra(slug):
    """Return one sentra; its businesses are GET /businesses?sentra=<slug>."""
    found = next((s for s in listings.sentra() if s["slug"] == slug), None)
    if found is None:
        raise NotFound(f"No sentra with slug {slug!r}.")
    return found


@blp.route("/subsectors")
@blp.response(200, list_of(SubsectorSchema))
def list_subsectors():
    """List the 17 creative-economy (ekraf) subsectors with the number of businesses in each."""
    return {"items": listings.subsectors()}
