"""A business's place and hours as the API and pages show them, at the request's clock.

Every answer reads the clock once (`now()`): all its items agree, and tests set it.
"""

from datetime import datetime

from flask import g, has_request_context

from . import geo, hours

LISTED = ("buka", "tutup-sementara")  # what search shows unless asked (status=all)
CLOSED = ("tutup-sementara", "tutup")


def now() -> datetime:
    """Return this request's time in WIB (read once per request)."""
    if not has_request_context():
        return hours.now_wib()
    if "now_wib" not in g:
        g.now_wib = hours.now_wib()
        g.clock_dependent = True  # http_cache: this answer goes stale with the clock
    return g.now_wib


def location(business) -> dict | None:
    if business.latitude is None or business.longitude is None:
        return None
    return {"lat": business.latitude, "lon": business.longitude}


def opening_hours(business) -> dict | None:
    if not business.opening_hours:
        return None
    return {"osm": business.opening_hours, "week": hours.week(business.opening_hours, now())}


def open_now(business) -> bool | None:
    if business.status in CLOSED:
        return False
    return hours.is_open(business.opening_hours, now())


def next_change(business) -> str | None:
    if business.status in CLOSED:
        return None
    return hours.next_change_text(business.opening_hours, now())


def directions(business) -> str:
    address = None
    if business.address or business.kelurahan_slug:
        place = business.kelurahan
        address = ", ".join(p for p in (business.address, place.name if place else None,
                                         "Kota Malang") if p)
    return geo.directions_url(business.latitude, business.longitude, address)
