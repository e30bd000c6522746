"""Opening hours: read the forms staff write, store OSM `opening_hours`, answer "open now?".

Evaluation is opening-hours-py's (a maintained OSM parser); this module adds the Indonesian
forms, the structured week and the words of the pages. Times are WIB whatever the server's
zone: every datetime handed out is aware and in Asia/Jakarta.
"""

import re
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State, validate

WIB = ZoneInfo("Asia/Jakarta")
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MAX_LENGTH = 255
# Indonesian day names and their usual short forms -> OSM day.
_DAY_WORDS = {
    "senin": "Mo", "sen": "Mo", "selasa": "Tu", "sel": "Tu", "rabu": "We", "rab": "We",
    "kamis": "Th", "kam": "Th", "jumat": "Fr", "jum'at": "Fr", "jum": "Fr", "sabtu": "Sa",
    "sab": "Sa", "minggu": "Su", "ahad": "Su", "min": "Su",
}
_DAY = "(?:" + "|".join(sorted((re.escape(w) for w in _DAY_WORDS), key=len, reverse=True)) + ")"
_TO = r"\s*(?:-|–|—|s/d|s\.d\.?|sd|sampai|hingga)\s*"
_TIME = r"(\d{1,2})(?:[.:](\d{2}))?"
_OFF = re.compile(r"^(?:tutup|libur|off|closed)$")
_EVERY_DAY = re.compile(r"^(?:buka\s+)?(?:setiap|tiap)\s+hari\b\s*:?\s*|^daily\s+", re.I)


def _time(hours: str, minutes: str | None) -> str:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        raise ValueError(f"{hours}.{minutes or '00'} is not a time of day")
    return f"{h:02d}:{m:02d}"


def _times(text: str) -> str:
    """'08.00-12.00, 16.00-21.00' -> '08:00-12:00,16:00-21:00'; '24 jam' -> '00:00-24:00'."""
    text = text.strip()
    if re.fullmatch(r"(?:buka\s+)?24\s*jam", text, re.I):
        return "00:00-24:00"
    spans = []
    for part in re.split(r"\s*(?:,|&|\bdan\b)\s*", text):
        match = re.fullmatch(_TIME + _TO + _TIME + r"(?:\s*wib)?", part.strip(), re.I)
        if not match:
            raise ValueError(f"{part.strip()!r} is not a time span like 08.00-17.00")
        spans.append(_time(*match.group(1, 2)) + "-" + _time(*match.group(3, 4)))
    return ",".join(spans)


def _days(text: str) -> str:
    """'Senin-Sabtu' -> 'Mo-Sa'; 'Senin, Rabu dan Jumat' -> 'Mo,We,Fr'."""
    out = []
    for part in re.split(r"\s*(?:,|&|\bdan\b)\s*", text.strip()):
        ends = re.split(_TO, part)
        if len(ends) > 2 or not all(e.lower() in _DAY_WORDS for e in ends):
            raise ValueError(f"{part!r} is not a day or a range of days")
        out.append("-".join(_DAY_WORDS[e.lower()] for e in ends))
    return ",".join(out)


def _indonesian_rule(rule: str) -> str:
    """One rule as staff write it -> one OSM rule."""
    text = " ".join(rule.replace("’", "'").split()).rstrip(".")
    every = _EVERY_DAY.match(text)
    if every:
        rest = text[every.end():]
        return "24/7" if re.fullmatch(r"(?:buka\s+)?24\s*jam", rest, re.I) else \
            "Mo-Su " + _times(rest)
    if re.fullmatch(r"(?:buka\s+)?24\s*jam", text, re.I):
        return "24/7"
    match = re.match(rf"^({_DAY}(?:(?:{_TO}|\s*,\s*|\s*&\s*|\s+dan\s+){_DAY})*)\b\s*:?\s*(.*)$",
                     text, re.I)
    if not match:
        raise ValueError(f"{rule.strip()!r}: start with the days (Senin-Sabtu, Setiap hari)")
    days, rest = _days(match.group(1)), match.group(2).strip()
    if _OFF.match(rest.lower()):
        return f"{days} off"
    return f"{days} {_times(rest)}"


def to_osm(value: str) -> str:
    """Return the OSM form of what staff typed; raise ValueError with a reason.

    >>> to_osm("Senin-Sabtu 08.00-17.00; Minggu tutup")
    'Mo-Sa 08:00-17:00; Su off'
    >>> to_osm("Mo-Fr 07:00-12:00,16:00-21:00"), to_osm("Setiap hari 10.00-22.00")
    ('Mo-Fr 07:00-12:00,16:00-21:00', 'Mo-Su 10:00-22:00')
    """
    text = " ".join(value.split()) if "\n" not in value else value.strip()
    if not text:
        raise ValueError("is empty")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"longer than {MAX_LENGTH} characters")
    if validate(text):
        return text
    rules = [r for r in re.split(r"\s*[;\n]\s*", text) if r.strip()]
    osm = "; ".join(r if validate(r) else _indonesian_rule(r) for r in rules)
    if not validate(osm):
        raise ValueError(f"{value!r} is not opening hours (e.g. 'Senin-Sabtu 08.00-17.00')")
    return osm


@lru_cache(maxsize=4096)
def _parsed(osm: str) -> OpeningHours:
    # Parsed once per distinct string: businesses share a handful of schedules.
    return OpeningHours(osm, timezone=WIB)


def now_wib() -> datetime:
    return datetime.now(WIB)


def is_open(osm: str | None, at: datetime) -> bool | None:
    """Return True/False at `at` (any zone), None when the hours are unknown."""
    if not osm:
        return None
    state, _comment = _parsed(osm).state(at.astimezone(WIB))
    return None if state == State.UNKNOWN else state == State.OPEN


def next_change(osm: str | None, at: datetime) -> datetime | None:
    """Return when the state changes next (in WIB), None if never within a year or unknown."""
    if not osm:
        return None
    at = at.astimezone(WIB)
    change = _parsed(osm).next_change(at)
    if change is None or change - at > timedelta(days=366):
        return None
    return change.astimezone(WIB)


def _hhmm(moment: datetime, day_start: datetime) -> str:
    if moment - day_start >= timedelta(days=1) and moment.hour == 0 and moment.minute == 0:
        return "24:00"
    return moment.strftime("%H:%M")


def week(osm: str | None, at: datetime) -> list[dict]:
    """Return Monday..Sunday of the week of `at`, each with the periods that start on it.

    A period past midnight stays on the day it starts ('18:00'-'02:00'); a period longer
    than a day is cut at midnights ('00:00'-'24:00').
    """
    if not osm:
        return []
    at = at.astimezone(WIB)
    monday = datetime(at.year, at.month, at.day, tzinfo=WIB) - timedelta(days=at.weekday())
    end = monday + timedelta(days=7)
    days = [{"day": code, "label": HARI[i], "open": []} for i, code in enumerate(DAYS)]

    def add(start: datetime, stop: datetime) -> None:
        midnight = datetime(start.year, start.month, start.day, tzinfo=WIB)
        days[(midnight - monday).days]["open"].append(
            {"from": _hhmm(start, midnight), "to": _hhmm(stop, midnight)})

    # One day past Sunday: a period starting Sunday night ends on Monday.
    periods = _parsed(osm).intervals(monday - timedelta(days=1), end + timedelta(days=1))
    for start, stop, state, _ in periods:
        if state != State.OPEN:
            continue
        stop = stop or end + timedelta(days=2)
        if stop - start <= timedelta(days=1):
            if monday <= start < end:  # one started last Sunday is last week's
                add(start, stop)
            continue
        cursor, limit = max(start, monday), min(stop, end)
        while cursor < limit:
            piece = min(limit, datetime(cursor.year, cursor.month, cursor.day, tzinfo=WIB)
                        + timedelta(days=1))
            add(cursor, piece)
            cursor = piece
    return days


def next_change_text(osm: str | None, at: datetime) -> str | None:
    """Return 'tutup pukul 17.00', 'buka pukul 08.00', 'buka besok pukul 08.00', ..."""
    open_now = is_open(osm, at)
    change = next_change(osm, at)
    if open_now is None or change is None:
        return None
    at = at.astimezone(WIB)
    verb = "tutup" if open_now else "buka"
    days = (change.date() - at.date()).days
    if open_now and days == 1 and (change.hour, change.minute) == (0, 0):
        return "tutup pukul 24.00"  # at midnight tonight, not "besok pukul 00.00"
    when = "" if days == 0 else "besok " if days == 1 else \
        f"{HARI[change.weekday()]} " if days < 7 else f"{change.day}/{change.month} "
    return f"{verb} {when}pukul {change.strftime('%H.%M')}"
