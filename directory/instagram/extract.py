"""A post's caption -> the fields of a draft, each with the caption line it came from.

Every field is {"value", "line" (1-based, or null), "rule", "confidence"} so the review page
can mark where it was found and how far to trust it. Rules, in brief:
- rubric: the hashtags (#UMKMofTheWeek, #EkrafOfTheWeek, #KulinerLegendaris and the
  spellings the account uses, any case, with or without "_"); none: the post is skipped.
- name: the first line that is not a greeting, a hashtag line or a sentence (short, no
  final full stop), with emoji and decorations removed: city posts open with the
  business's name as a title. Low confidence when only a later line qualifies.
- instagram: @handles that are not the city's own accounts; whatsapp: the first mobile
  number, normalised to +62; address: the line holding "Jl."/"Jalan" from there on.
- kecamatan/kelurahan: a place of the reference data named in the caption, any spelling;
  sentra likewise; category and products: guessed with the search vocabulary.
- description: the caption without its hashtag lines.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from .. import normalise
from ..messages import Invalid
from ..reference import place_key, reference_data

WIB = ZoneInfo("Asia/Jakarta")

RUBRIC_TAGS = {
    "umkmoftheweek": "umkm-of-the-week", "umkmotw": "umkm-of-the-week",
    "umkmofweek": "umkm-of-the-week", "umkmpekanini": "umkm-of-the-week",
    "ekrafoftheweek": "ekraf-of-the-week", "ekrafotw": "ekraf-of-the-week",
    "ekonomikreatifoftheweek": "ekraf-of-the-week",
    "kulinerlegendaris": "kuliner-legendaris", "kulinerlegendarismalang": "kuliner-legendaris",
}
GREETINGS = re.compile(r"^(halo|hai|hi|sobat|selamat|assalam|salam|dulur|nawak|kawan|"
                       r"rek\b|yuk|ayo|mari|min\b|hari ini|kali ini|minggu ini)", re.I)
# A rubric heading, alone ("UMKM OF THE WEEK") or before the name ("Kuliner Legendaris: X").
RUBRIC_HEADING = re.compile(r"^.*?(of\s*the\s*week|kuliner\s*legendaris)\s*[:\-–—|]*\s*", re.I)
HASHTAG = re.compile(r"#(\w+)")
HANDLE = re.compile(r"(?<![\w.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
PHONE = re.compile(r"(?<!\d)(?:\+?62|0)8[\d\s\-.]{7,16}\d")
STREET = re.compile(r"\b(jl\.?|jln\.?|jalan)\s", re.I)
# Words the vocabulary knows that name no product of their own.
GENERIC = frozenset({"kuliner", "makan", "makanan", "minum", "minuman", "umkm", "usaha",
                     "produk", "jasa", "toko", "warung", "kedai", "malang", "oleh-oleh"})
DECORATION = re.compile(r"[^\w\s&'’.,()/-]+")


def field(value, line: int | None, rule: str, confidence: str) -> dict:
    return {"value": value, "line": line, "rule": rule, "confidence": confidence}


def rubric_of(caption: str) -> tuple[str, int] | None:
    """Return (rubric slug, line) from the caption's hashtags, or None."""
    for number, line in enumerate(caption.splitlines(), 1):
        for tag in HASHTAG.findall(line):
            rubric = RUBRIC_TAGS.get(tag.replace("_", "").casefold())
            if rubric:
                return rubric, number
    return None


def extract(caption: str, taken_at: datetime, own_accounts: frozenset[str]) -> dict | None:
    """Return the draft's fields, or None when no rubric hashtag says it is a feature."""
    rubric = rubric_of(caption)
    if rubric is None:
        return None
    lines = caption.splitlines()
    found = {
        "rubric": field(rubric[0], rubric[1], "hashtag", "high"),
        "featured_on": field(taken_at.astimezone(WIB).date().isoformat(), None,
                             "post time in WIB", "high"),
    }
    found["name"] = _name(lines)
    for key, value in (("instagram", _handle(lines, own_accounts)),
                       ("whatsapp", _phone(lines)), ("address", _address(lines))):
        found[key] = value
    found.update(_places(lines))
    found.update(_goods(caption))
    body = [line for line in lines if not _is_tag_line(line)]
    found["description"] = field("\n".join(body).strip() or None, None, "caption", "medium")
    return found


def _is_tag_line(line: str) -> bool:
    words = line.split()
    return bool(words) and all(w.startswith(("#", "@")) for w in words)


def _clean(line: str) -> str:
    line = HASHTAG.sub("", HANDLE.sub("", line))
    return " ".join(DECORATION.sub(" ", line).split()).strip(" -–—|:,.")


def _name(lines: list[str]) -> dict:
    for number, line in enumerate(lines, 1):
        text = _clean(RUBRIC_HEADING.sub("", _clean(line)))
        if not text or _is_tag_line(line) or GREETINGS.match(text):
            continue
        if len(text.split()) <= 8 and not line.rstrip().endswith((".", "?", "!")):
            return field(text, number, "first title line", "medium" if number <= 2 else "low")
    return field(None, None, "first title line", "none")


def _handle(lines: list[str], own: frozenset[str]) -> dict:
    for number, line in enumerate(lines, 1):
        for handle in HANDLE.findall(line):
            if handle.casefold() not in own:
                return field(handle.casefold(), number, "@mention", "high")
    return field(None, None, "@mention", "none")


def _phone(lines: list[str]) -> dict:
    for number, line in enumerate(lines, 1):
        for match in PHONE.finditer(line):
            try:
                return field(normalise.whatsapp_number(match.group()), number, "phone number",
                             "high")
            except Invalid:
                continue
    return field(None, None, "phone number", "none")


def _address(lines: list[str]) -> dict:
    for number, line in enumerate(lines, 1):
        match = STREET.search(line)
        if match:
            text = _clean(line[match.start():])
            return field(text[:300], number, "line with Jl./Jalan", "medium")
    return field(None, None, "line with Jl./Jalan", "none")


def _place_names() -> list[tuple[str, str, str]]:
    """(spelling, kind, slug) for every kelurahan and kecamatan spelling, longest first."""
    names = []
    for kecamatan in reference_data()["kecamatan"]:
        names.append((kecamatan["name"], "kecamatan", kecamatan["slug"]))
        for kelurahan in kecamatan["kelurahan"]:
            for spelling in [kelurahan["name"], *kelurahan.get("also_written", [])]:
                names.append((spelling, "kelurahan", kelurahan["slug"]))
    return sorted(names, key=lambda n: -len(n[0]))


def _places(lines: list[str]) -> dict:
    kecamatan = field(None, None, "place named", "none")
    kelurahan = field(None, None, "place named", "none")
    sentra = field(None, None, "sentra named", "none")
    for number, line in enumerate(lines, 1):
        folded = line.casefold()
        for spelling, kind, slug in _place_names():
            pattern = r"\b" + r"[\s-]?".join(map(re.escape, spelling.casefold().split())) + r"\b"
            if not re.search(pattern, folded):
                continue
            if kind == "kelurahan" and kelurahan["value"] is None:
                kelurahan = field(slug, number, "place named", "high")
            elif kind == "kecamatan" and kecamatan["value"] is None:
                kecamatan = field(slug, number, "place named", "high")
        for item in reference_data().get("sentra", []):
            name = item["name"].casefold()
            if sentra["value"] is None and (name in folded or place_key(name) in place_key(line)):
                sentra = field(item["name"], number, "sentra named", "medium")
    if kelurahan["value"] and not kecamatan["value"]:
        kecamatan = field(_kecamatan_of(kelurahan["value"]), kelurahan["line"],
                          "kecamatan of the kelurahan", "high")
    return {"district": kecamatan, "kelurahan": kelurahan, "sentra": sentra}


def _kecamatan_of(kelurahan_slug: str) -> str | None:
    for kecamatan in reference_data()["kecamatan"]:
        if any(k["slug"] == kelurahan_slug for k in kecamatan["kelurahan"]):
            return kecamatan["slug"]
    return None


def _goods(caption: str) -> dict:
    """Products: vocabulary entries named in the caption; category: the one whose example
    products and labels the caption names most."""
    from ..search import vocabulary
    from ..search.places import place_words
    from ..search.tokens import words

    # A run of words the vocabulary knows, places and describing words aside, is a product:
    # "keripik tempe renyah dari Sanan" -> "keripik tempe".
    known = {entry[0] for entry in vocabulary.phrases() if len(entry) == 1}
    known -= place_words() | vocabulary.modifiers() | vocabulary.stopwords() | GENERIC
    products, run = [], []
    for word in [w for w, _, _ in words(caption.casefold())] + [""]:
        if word in known and len(run) < 3:
            run.append(word)
            continue
        text = " ".join(run)
        if run and not any(text in p for p in products):
            products = [p for p in products if p not in text] + [text]
        run = [word] if word in known else []
    best, score = None, 0
    for category in reference_data()["categories"]:
        terms = [category["label"].casefold(), *category.get("examples", [])]
        hits = sum(caption.casefold().count(t.casefold()) for t in terms)
        if hits > score:
            best, score = category["slug"], hits
    return {"products": field(products[:8], None, "vocabulary words in the caption",
                              "low" if products else "none"),
            "category": field(best, None, "category words in the caption",
                              "low" if best else "none")}
