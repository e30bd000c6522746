"""Template filters: dates, numbers and phone numbers written the Indonesian way."""

from ..messages import MONTHS_ID  # Python's one table; frontend/common.js has the JS one
from . import bp


@bp.app_template_filter("tanggal")
def format_date_id(value):
    """Format an ISO date the Indonesian way: '2021-05-07' -> '7 Mei 2021'."""
    if not value:
        return ""
    year, month, day = (int(part) for part in str(value)[:10].split("-"))
    return f"{day} {MONTHS_ID[month - 1]} {year}"


@bp.app_template_filter("ribuan")
def format_thousands(value):
    """Group digits with dots as Indonesians write them: 3120 -> '3.120'."""
    return f"{int(value):,}".replace(",", ".")


@bp.app_template_filter("telepon")
def format_phone(value):
    """Group an Indonesian number for reading: '+6281234567890' -> '+62 812-3456-7890'."""
    if not value or not str(value).startswith("+62") or len(str(value)) < 10:
        return value or ""
    digits = str(value)[3:]
    return f"+62 {digits[:3]}-{digits[3:7]}-{digits[7:]}"


@bp.app_template_filter("web_url")
def web_url(value):
    """Keep only http(s) links from the data: no javascript: or data: hrefs."""
    is_web = isinstance(value, str) and value.lower().startswith(("https://", "http://"))
    return value if is_web else None
