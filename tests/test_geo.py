"""Coordinates: the box around Kota Malang, map links, distances, directions."""

import pytest

from directory.geo import (
    checked,
    directions_url,
    distance_m,
    parse_point,
    point_from_map_url,
)


@pytest.mark.parametrize("url,point", [
    ("https://www.google.com/maps/@-7.9666,112.6326,17z", (-7.9666, 112.6326)),
    ("https://www.google.com/maps/place/Alun-Alun/@-7.98,112.63,17z/data=x", (-7.98, 112.63)),
    ("https://maps.google.com/?q=-7.96,112.63", (-7.96, 112.63)),
    ("https://www.google.com/maps/search/?api=1&query=-7.96,112.63", (-7.96, 112.63)),
    ("https://www.openstreetmap.org/?mlat=-7.96&mlon=112.63#map=18/-7.96/112.63",
     (-7.96, 112.63)),
    ("https://www.openstreetmap.org/#map=18/-7.96/112.63", (-7.96, 112.63)),
    ("https://maps.app.goo.gl/AbCdEf123", None),  # a short link: kept as a link only
    ("https://www.google.com/maps/place/Toko+Roti", None),
])
def test_coordinates_are_read_from_map_links(url, point):
    assert point_from_map_url(url) == point


def test_points_outside_kota_malang_are_refused():
    assert checked(-7.9666, 112.6326) == (-7.9666, 112.6326)
    for lat, lon in ((-7.25, 112.75), (7.9666, 112.6326), (-7.9666, 112.8)):  # Surabaya, N, E
        with pytest.raises(ValueError, match="outside Kota Malang"):
            checked(lat, lon)


def test_near_parameter_is_latitude_comma_longitude():
    assert parse_point("-7.9666,112.6326") == (-7.9666, 112.6326)
    for bad in ("abc", "-7.9", "-95,112", "1,2,3"):
        with pytest.raises(ValueError):
            parse_point(bad)


def test_distance_between_alun_alun_and_stasiun_kota_baru_is_about_600_m():
    assert 550 < distance_m(-7.9826, 112.6308, -7.9773, 112.6370) < 950


def test_directions_go_to_the_point_or_else_the_address():
    assert directions_url(-7.96, 112.63, "Jl. A") == \
        "https://www.google.com/maps/dir/?api=1&destination=-7.96,112.63"
    assert directions_url(None, None, "Jl. Sanan No. 12, Purwantoro, Kota Malang") == (
        "https://www.google.com/maps/dir/?api=1&destination="
        "Jl.%20Sanan%20No.%2012,%20Purwantoro,%20Kota%20Malang")
