"""How to buy from a business: prices, order links, QRIS, and its registration numbers.

Each parser returns the clean value or raises ValueError with a reason for the report, like
`fields`; the staff API uses the same rules, so an imported and a typed record agree.
"""

import re
from urllib.parse import urlsplit

from ..messages import Invalid
from ..normalise import MAX_INTEGER

# (slug, label shown on the button, hosts); a host matches itself and its subdomains.
# More specific hosts come first: spf.shopee.co.id is ShopeeFood, shopee.co.id Shopee.
PLATFORMS = (
    ("gofood", "GoFood", ("gofood.co.id", "gofood.link", "gojek.com")),
    ("grabfood", "GrabFood", ("food.grab.com", "r.grab.com")),
    ("shopeefood", "ShopeeFood", ("shopeefood.co.id", "spf.shopee.co.id")),
    ("shopee", "Shopee", ("shopee.co.id", "shp.ee")),
    ("tokopedia", "Tokopedia", ("tokopedia.com", "tokopedia.link")),
    ("tiktok-shop", "TikTok Shop", ("shop.tiktok.com", "shop-id.tiktok.com", "vt.tiktok.com")),
    ("lazada", "Lazada", ("lazada.co.id",)),
    ("blibli", "Blibli", ("blibli.com",)),
)
PLATFORM_LABELS = {slug: label for slug, label, _ in PLATFORMS}
MAX_ORDER_LINKS = 10
MAX_URL_LENGTH = 500

PRICE_SEPARATOR = re.compile(r"\s*(?:-|–|—|s/d|s\.d\.|sampai|hingga|to)\s*", re.IGNORECASE)
PRICE = re.compile(r"^(?:rp\.?)?\s*([0-9][0-9.,]*)\s*(rb|ribu|k|jt|juta)?$", re.IGNORECASE)
MULTIPLIERS = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}


def platform_of(host: str) -> str | None:
    """Return the platform slug of a link's host, or None.

    >>> platform_of("gofood.co.id"), platform_of("spf.shopee.co.id"), platform_of("evil.com")
    ('gofood', 'shopeefood', None)
    """
    host = host.lower().rstrip(".")
    for slug, _label, hosts in PLATFORMS:
        if any(host == known or host.endswith("." + known) for known in hosts):
            return slug
    return None


def order_link(value: str) -> dict:
    """Return {"platform", "url"} for one https link to a known shop or delivery platform."""
    url = value.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.IGNORECASE):
        url = "https://" + url
    if len(url) > MAX_URL_LENGTH:
        raise Invalid("too_long", limit=MAX_URL_LENGTH)
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise Invalid("link", value=value) from error
    if parts.scheme.lower() != "https":
        raise Invalid("order_https", value=value)
    if not parts.hostname or re.search(r"\s", url) or parts.username or parts.port:
        raise Invalid("link", value=value)
    platform = platform_of(parts.hostname)
    if platform is None:
        names = ", ".join(label for _, label, _ in PLATFORMS)
        raise Invalid("order_platform", value=parts.hostname, platforms=names)
    return {"platform": platform, "url": url}


def order_links(value) -> list[dict]:
    """Split `a; b` (or take a list) into order links, duplicates dropped, in the given order."""
    items = value if isinstance(value, list) else str(value).split(";")
    links, seen = [], set()
    for item in items:
        if not str(item).strip():
            continue
        link = order_link(str(item))
        if link["url"] not in seen:
            seen.add(link["url"])
            links.append(link)
    if len(links) > MAX_ORDER_LINKS:
        raise Invalid("order_many", limit=MAX_ORDER_LINKS)
    return links


def rupiah(value: str) -> int:
    """Parse one price in rupiah.

    >>> rupiah("Rp10.000"), rupiah("15rb"), rupiah("Rp 1,5jt"), rupiah("25000")
    (10000, 15000, 1500000, 25000)
    """
    match = PRICE.match(value.strip().replace("\u00a0", " "))
    if not match:
        raise Invalid("price", value=value)
    digits, unit = match.groups()
    if unit:
        # With a unit a separator is a decimal point: 1,5jt, 2.5rb.
        if not re.fullmatch(r"[0-9]+(?:[.,][0-9]{1,3})?", digits):
            raise Invalid("price", value=value)
        amount = round(float(digits.replace(",", ".")) * MULTIPLIERS[unit.lower()])
    else:
        # Without one, dots or commas group thousands (10.000); ",00" cents are dropped.
        digits = re.sub(r"[.,]00$", "", digits) if re.search(r"[.,][0-9]{3}", digits) \
            else digits
        if not re.fullmatch(r"[0-9]{1,3}(?:[.,][0-9]{3})*|[0-9]+", digits):
            raise Invalid("price", value=value)
        amount = int(re.sub(r"[.,]", "", digits))
    if not 0 < amount <= MAX_INTEGER:
        raise Invalid("price", value=value)
    return amount


def price_range(value: str) -> tuple[int, int]:
    """Return (price_min, price_max) of one price or a range.

    >>> price_range("Rp10.000 - Rp35.000"), price_range("Rp15rb–Rp40rb"), price_range("5000")
    ((10000, 35000), (15000, 40000), (5000, 5000))
    """
    parts = PRICE_SEPARATOR.split(value.strip())
    if not 1 <= len(parts) <= 2 or not all(p.strip() for p in parts):
        raise Invalid("price", value=value)
    low, high = rupiah(parts[0]), rupiah(parts[-1])
    if low > high:
        raise Invalid("price_order", value=value)
    return low, high


def format_rupiah(amount: int) -> str:
    """Write an amount the Indonesian way: 10000 -> 'Rp10.000'."""
    return "Rp" + f"{amount:,}".replace(",", ".")


def format_price_range(low: int | None, high: int | None) -> str | None:
    """Return 'Rp10.000–Rp35.000', 'Rp5.000', or None when no price is known."""
    if low is None:
        return None
    if high is None or high == low:
        return format_rupiah(low)
    return f"{format_rupiah(low)}–{format_rupiah(high)}"


def nib(value: str) -> str:
    """Nomor Induk Berusaha (OSS): 13 digits; spaces and hyphens ignored."""
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"[0-9]{13}", digits):
        raise Invalid("nib", value=value)
    return digits


def halal_certificate(value: str) -> str:
    """BPJPH halal certificate number: `ID` followed by digits (ID35110000123450124)."""
    text = re.sub(r"[\s-]", "", value).upper()
    if not re.fullmatch(r"ID[0-9]{8,24}", text):
        raise Invalid("halal", value=value)
    return text


def pirt(value: str) -> str:
    """P-IRT number of a home food producer: 12 to 16 digits; spaces and hyphens ignored."""
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"[0-9]{12,16}", digits):
        raise Invalid("pirt", value=value)
    return digits


# Price bands of the facet, by the cheapest price: (key, upper bound exclusive, label).
PRICE_BANDS = (
    ("lt10k", 10_000, "Di bawah Rp10.000"),
    ("10k-25k", 25_000, "Rp10.000–Rp25.000"),
    ("25k-50k", 50_000, "Rp25.000–Rp50.000"),
    ("50k-100k", 100_000, "Rp50.000–Rp100.000"),
    ("100k-500k", 500_000, "Rp100.000–Rp500.000"),
    ("ge500k", None, "Rp500.000 ke atas"),
)


def price_band(price_min: int | None) -> str | None:
    """Return the key of the band the cheapest price falls in (None without a price)."""
    if price_min is None:
        return None
    for key, upper, _label in PRICE_BANDS:
        if upper is None or price_min < upper:
            return key
    return None
