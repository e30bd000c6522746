"""Where a business is: coordinates in the box around Kota Malang, map links, distances.

Coordinates are kept as the business gave them: never rounded up to more digits.
"""

import math
import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

# A generous box around Kota Malang (DATA-FORMAT.md): a point outside is a typing mistake.
LAT_MIN, LAT_MAX = -8.06, -7.88
LON_MIN, LON_MAX = 112.56, 112.71
EARTH_RADIUS_M = 6_371_008.8
MAX_RADIUS_M = 50_000
_NUMBER = r"[-+]?\d{1,3}(?:\.\d+)?"
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*$")
# Hosts whose short links hold no coordinates: kept as a link only.
SHORT_LINK_HOSTS = ("maps.app.goo.gl", "goo.gl", "g.co")


def in_box(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def coordinate(value, kind: str) -> float:
    """Parse a latitude or longitude (`kind`) in decimal degrees; a comma decimal is fine."""
    text = str(value).strip().replace(",", ".")
    if not re.fullmatch(_NUMBER, text):
        raise ValueError(f"{value!r} is not a {kind} in decimal degrees (e.g. -7.9666)")
    return float(text)


def checked(lat: float, lon: float) -> tuple[float, float]:
    """Return (lat, lon) when inside the box around Kota Malang; ValueError otherwise."""
    if not in_box(lat, lon):
        raise ValueError(f"{lat},{lon} is outside Kota Malang (latitude {LAT_MIN} to "
                         f"{LAT_MAX}, longitude {LON_MIN} to {LON_MAX})")
    return lat, lon


def parse_point(text: str) -> tuple[float, float]:
    """Parse 'lat,lon' (as the `near` parameter and map links write it)."""
    match = _PAIR.match(text or "")
    if not match:
        raise ValueError(f"{text!r} is not 'latitude,longitude'")
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{text!r} is not a place on Earth")
    return lat, lon


def map_url(value: str) -> str:
    """Return the link if it is an http(s) URL; ValueError otherwise."""
    value = value.strip()
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+\S*$", value, re.IGNORECASE) or len(value) > 2000:
        raise ValueError(f"{value!r} is not a map link (https://...)")
    return value


def point_from_map_url(url: str) -> tuple[float, float] | None:
    """Return the coordinates a map link holds, or None (a short link holds none).

    >>> point_from_map_url("https://www.google.com/maps/@-7.9666,112.6326,17z")
    (-7.9666, 112.6326)
    >>> point_from_map_url("https://www.openstreetmap.org/#map=18/-7.96/112.63")
    (-7.96, 112.63)
    """
    parts = urlsplit(url.strip())
    if (parts.hostname or "").lower() in SHORT_LINK_HOSTS:
        return None
    query = parse_qs(parts.query)
    if "mlat" in query and "mlon" in query:
        return _pair(query["mlat"][0], query["mlon"][0])
    for key in ("q", "query", "ll", "destination", "center"):
        for value in query.get(key, []):
            match = _PAIR.match(value)
            if match:
                return _pair(match.group(1), match.group(2))
    at = re.search(rf"@({_NUMBER}),({_NUMBER})", unquote(parts.path))
    if at:
        return _pair(at.group(1), at.group(2))
    fragment = re.search(rf"map=\d+(?:\.\d+)?/({_NUMBER})/({_NUMBER})", parts.fragment)
    if fragment:
        return _pair(fragment.group(1), fragment.group(2))
    return None


def _pair(lat: str, lon: str) -> tuple[float, float]:
    return float(lat), float(lon)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def box_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """Return (lat_min, lat_max, lon_min, lon_max) holding every point within `radius_m`."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def directions_url(lat: float | None, lon: float | None, address: str | None) -> str:
    """A link that opens directions in the phone's map app (Google Maps' documented URL)."""
    if lat is not None and lon is not None:
        destination = f"{lat},{lon}"
    else:
        destination = address or ""
    return "https://www.google.com/maps/dir/?api=1&destination=" + quote(destination, safe=",")
