"""Normalise what people type into the forms the directory stores and matches.

The rules every way in shares (staff API and page, import, Instagram drafts, search): each
returns the clean value or raises Invalid (a ValueError) with a reason code.
"""

import calendar
import re
import unicodedata
from datetime import date

from whoosh.support.charset import accent_map

from .messages import MONTHS_EN, MONTHS_ID, Invalid
from .models import STATUSES

# The largest whole number the database stores (INTEGER: 32-bit in PostgreSQL).
MAX_INTEGER = 2**31 - 1
# 0-9 only: str.isdigit() also accepts superscripts and other scripts' digits.
ASCII_DIGITS = re.compile(r"[0-9]+")
# The date forms staff type: ISO, and day first as spreadsheets set to Indonesian save it.
DATE_FORMS = (re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
              re.compile(r"(?P<d>[0-9]{1,2})[/-](?P<m>[0-9]{1,2})[/-](?P<y>[0-9]{4})"))
INSTAGRAM_HANDLE = re.compile(r"^[A-Za-z0-9._]{1,30}$")
INSTAGRAM_URL = re.compile(r"^(?:https?://)?(?:www\.)?instagram\.com/([A-Za-z0-9._]{1,30})/?(?:[?#].*)?$",
                           re.IGNORECASE)


def fold(text: str) -> str:
    """Return `text` lowercased with accents folded: "Léak" -> "leak".

    Whoosh's accent table, so that names match as the search index folds them.
    """
    return text.lower().translate(accent_map)


def slugify(text: str) -> str:
    """Return lowercase ASCII words joined by hyphens.

    >>> slugify("Keripik Tempe Bu Sri (Sanan)"), slugify("Kopi Léak & Co.")
    ('keripik-tempe-bu-sri-sanan', 'kopi-leak-co')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def plausible_featured_on(day: date) -> bool:
    """From 2000 to a year from today (posts are planned ahead), read at each call."""
    today = date.today()
    try:
        latest = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + 1, day=28)
    return date(2000, 1, 1) <= day <= latest


def plausible_year(number: int) -> bool:
    """A founding year: from 1800 to this year, read at each call (not at start-up)."""
    return 1800 <= number <= date.today().year


def featured_date(value: str) -> date:
    """Parse ISO `YYYY-MM-DD`; also `DD/MM/YYYY`, as spreadsheets set to Indonesian save it."""
    value = value.strip()
    match = next((m for form in DATE_FORMS if (m := form.fullmatch(value))), None)
    if match is None:
        raise Invalid("date_format", value=value)
    year_, month, day = (int(match[k]) for k in ("y", "m", "d"))
    # Written as a date but not one on the calendar (31/02/2025): say which part is wrong.
    if not 1 <= month <= 12:
        raise Invalid("date_no_month", value=value, month=month)
    if year_ < 1:
        raise Invalid("date_range", value=value)
    days = calendar.monthrange(year_, month)[1]
    if not 1 <= day <= days:
        raise Invalid("date_no_day", value=value, year=year_, days=days,
                      month_en=MONTHS_EN[month - 1], month_id=MONTHS_ID[month - 1])
    parsed = date(year_, month, day)
    if not plausible_featured_on(parsed):
        raise Invalid("date_range", value=value)
    return parsed


def verified_date(value: str) -> date:
    """The day details were checked: a date like featured_on, never in the future."""
    value = value.strip()
    match = next((m for form in DATE_FORMS if (m := form.fullmatch(value))), None)
    try:
        parsed = date(int(match["y"]), int(match["m"]), int(match["d"])) if match else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid("date_format", value=value)
    if not date(2000, 1, 1) <= parsed <= date.today():
        raise Invalid("verified_range", value=value)
    return parsed


def business_status(value: str) -> str:
    """buka, tutup-sementara or tutup (spaces, case and 'tutup sementara' accepted)."""
    key = "-".join(value.strip().lower().replace("_", " ").split())
    if key not in STATUSES:
        raise Invalid("business_status", value=value)
    return key


def whatsapp_number(value: str) -> str:
    """Return an Indonesian mobile number as +62...

    >>> whatsapp_number("0812-3456-7890"), whatsapp_number("+62 812 3456 7890")
    ('+6281234567890', '+6281234567890')
    """
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("+"):
        digits = digits[1:]
    if not ASCII_DIGITS.fullmatch(digits):
        raise Invalid("phone", value=value)
    if digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if not digits.startswith("8") or not 9 <= len(digits) <= 12:
        raise Invalid("mobile", value=value)
    return "+62" + digits


def instagram_handle(value: str) -> str:
    """Return the bare handle from `@handle`, `handle` or a profile URL."""
    value = value.strip()
    match = INSTAGRAM_URL.match(value)
    handle = match.group(1) if match else value.lstrip("@")
    if not INSTAGRAM_HANDLE.match(handle):
        raise Invalid("instagram", value=value)
    return handle


def website_url(value: str) -> str:
    """Return an http(s) URL; a bare domain gets https://."""
    value = value.strip()
    if not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+\S*$", value, re.IGNORECASE):
        raise Invalid("web_address", value=value)
    return value


def post_url(value: str) -> str:
    value = value.strip()
    if not re.match(r"^https?://[^\s/]+\.[^\s/]+\S*$", value, re.IGNORECASE):
        raise Invalid("link", value=value)
    return value


def whole_number(value: str) -> int:
    """Parse a whole number; thousands separators of either locale are allowed (3.120)."""
    cleaned = value.strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[0-9]{1,3}([.,][0-9]{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    if not ASCII_DIGITS.fullmatch(cleaned):
        raise Invalid("whole_number", value=value)
    number = int(cleaned)
    if number > MAX_INTEGER:
        raise Invalid("too_large", value=value, limit=MAX_INTEGER)
    return number


def year(value: str) -> int:
    number = whole_number(value)
    if not plausible_year(number):
        raise Invalid("year", value=value)
    return number


def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "ya", "y", "benar"):
        return True
    if lowered in ("0", "false", "no", "tidak", "n", "salah"):
        return False
    raise Invalid("boolean", value=value)


def products_list(value) -> list[str]:
    """Split `a; b; c` (or take a JSON list), trimmed, empties and duplicates dropped."""
    items = value if isinstance(value, list) else str(value).split(";")
    seen = {}
    for item in items:
        text = " ".join(str(item).split())
        if text and text.casefold() not in seen:
            seen[text.casefold()] = text
    return list(seen.values())
