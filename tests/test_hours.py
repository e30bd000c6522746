"""Opening hours: every documented form in both languages, open now at fixed WIB clocks."""

import time
from datetime import UTC, datetime

import pytest

from directory.hours import WIB, is_open, next_change_text, to_osm, week

FRIDAY_10 = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # a Friday


@pytest.mark.parametrize("typed,osm", [
    # OSM syntax is kept as written.
    ("Mo-Sa 08:00-17:00; Su off", "Mo-Sa 08:00-17:00; Su off"),
    ("24/7", "24/7"),
    ("Mo-Fr 07:00-12:00,16:00-21:00", "Mo-Fr 07:00-12:00,16:00-21:00"),
    ("Mo-Su 18:00-02:00", "Mo-Su 18:00-02:00"),
    # The forms staff write (DATA-FORMAT.md).
    ("Senin-Sabtu 08.00-17.00; Minggu tutup", "Mo-Sa 08:00-17:00; Su off"),
    ("Setiap hari 10.00-22.00", "Mo-Su 10:00-22:00"),
    ("Jumat libur", "Fr off"),
    # Their usual variations.
    ("Tiap hari 24 jam", "24/7"),
    ("Buka 24 jam", "24/7"),
    ("Senin - Sabtu 8.00 - 17.00\nMinggu: tutup", "Mo-Sa 08:00-17:00; Su off"),
    ("Senin s/d Jumat 07.00-12.00, 16.00-21.00", "Mo-Fr 07:00-12:00,16:00-21:00"),
    ("Senin, Rabu dan Jumat 08.00-12.00", "Mo,We,Fr 08:00-12:00"),
    ("Sen-Jum 8-16; Sab 08.00-12.00 WIB; Min libur",
     "Mo-Fr 08:00-16:00; Sa 08:00-12:00; Su off"),
    ("Jum'at libur", "Fr off"),
    ("setiap hari 18.00-02.00", "Mo-Su 18:00-02:00"),
    ("Mo-Sa 08:00-17:00; Jumat libur", "Mo-Sa 08:00-17:00; Fr off"),
])
def test_hours_are_stored_in_osm_form(typed, osm):
    assert to_osm(typed) == osm


@pytest.mark.parametrize("typed", ["kadang buka", "Senin 25.00-26.00", "Senin-Sabtu pagi",
                                   "Mo-Sa 08:00-", "", "x" * 300])
def test_what_is_not_opening_hours_is_refused_with_a_reason(typed):
    with pytest.raises(ValueError):
        to_osm(typed)


def test_friday_10_is_closed_for_a_business_closed_on_fridays():
    osm = to_osm("Senin-Kamis 08.00-17.00; Jumat libur; Sabtu 08.00-12.00")
    assert is_open(osm, FRIDAY_10) is False
    assert next_change_text(osm, FRIDAY_10) == "buka besok pukul 08.00"


def test_open_and_closing_time_on_an_ordinary_day():
    osm = to_osm("Senin-Sabtu 08.00-17.00; Minggu tutup")
    assert is_open(osm, FRIDAY_10) is True
    assert next_change_text(osm, FRIDAY_10) == "tutup pukul 17.00"
    saturday_evening = datetime(2026, 11, 28, 18, 0, tzinfo=WIB)
    assert next_change_text(osm, saturday_evening) == "buka Senin pukul 08.00"


def test_overnight_hours_cross_midnight():
    osm = "Mo-Su 18:00-02:00"
    after_midnight = datetime(2026, 11, 28, 1, 30, tzinfo=WIB)
    assert is_open(osm, after_midnight) is True
    assert next_change_text(osm, after_midnight) == "tutup pukul 02.00"
    evening = datetime(2026, 11, 27, 23, 0, tzinfo=WIB)
    assert next_change_text(osm, evening) == "tutup besok pukul 02.00"
    assert is_open(osm, datetime(2026, 11, 28, 2, 30, tzinfo=WIB)) is False
    assert week(osm, evening)[0]["open"] == [{"from": "18:00", "to": "02:00"}]


def test_closing_at_midnight_reads_24():
    assert next_change_text("Mo-Su 10:00-24:00", datetime(2026, 11, 27, 23, 0, tzinfo=WIB)) \
        == "tutup pukul 24.00"


def test_always_open_and_unknown_hours():
    assert is_open("24/7", FRIDAY_10) is True
    assert next_change_text("24/7", FRIDAY_10) is None
    assert week("24/7", FRIDAY_10)[4]["open"] == [{"from": "00:00", "to": "24:00"}]
    assert is_open(None, FRIDAY_10) is None and week(None, FRIDAY_10) == []


def test_the_week_lists_days_off_as_empty():
    days = week("Mo-Fr 07:00-12:00,16:00-21:00", FRIDAY_10)
    assert [d["day"] for d in days] == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert days[0]["label"] == "Senin"
    assert days[4]["open"] == [{"from": "07:00", "to": "12:00"}, {"from": "16:00", "to": "21:00"}]
    assert days[5]["open"] == [] and days[6]["open"] == []


def test_answers_are_wib_whatever_the_server_zone(monkeypatch):
    osm = "Mo-Sa 08:00-17:00; Su off"
    # 03:00 UTC is 10:00 WIB: open, whatever zone the process runs in.
    at = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    try:
        for zone in ("UTC", "America/New_York", "Asia/Jakarta"):
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            assert is_open(osm, at) is True
            assert next_change_text(osm, at) == "tutup pukul 17.00"
    finally:
        monkeypatch.undo()
        time.tzset()
