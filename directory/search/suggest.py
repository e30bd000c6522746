"""Completions for the search box: names, products, categories and places by prefix.

Names and products are indexed one line per word-start ("keripik tempe", "tempe"), each
line "<key>\\t<text>", so a keystroke reads at most MAX_SCAN terms of the lexicon.
"""

from functools import cache
from itertools import islice

from ..reference import reference_data
from . import vocabulary
from .places import place_names
from .tokens import plain_words

SEPARATOR = "\t"
MAX_SCAN = 40  # lexicon terms read per field and prefix: bounds a keystroke's cost
MAX_VARIANTS = 3  # "kri" also completes the group terms of "kripik" ("keripik ...")
MIN_WORD = 3  # shorter inner words ("bu", "di") are not completion starts
SOURCES = (("complete_name", "name"), ("complete_product", "product"))


def _starts(text: str) -> list[str]:
    """Return the keys of `text` from each word on: "Kopi Luwak" -> ["kopi luwak", "luwak"]."""
    words = plain_words(text)
    return [" ".join(words[i:]) for i in range(len(words)) if i == 0 or len(words[i]) >= MIN_WORD]


def completion_lines(texts) -> str:
    """Return the completion field's value for names or products: one line per word-start."""
    lines = []
    for text in texts:
        shown = " ".join((text or "").split())
        lines += [f"{start}{SEPARATOR}{shown}" for start in _starts(shown)]
    return "\n".join(dict.fromkeys(lines))


def _prefix(text: str) -> str:
    words = plain_words(text)
    if not words:
        return ""
    return " ".join(words) + (" " if text[-1:].isspace() else "")


def _variant_prefixes(prefix: str) -> list[str]:
    head, _, last = prefix.rpartition(" ")
    if not last:
        return []
    found = []
    for entry, group in vocabulary.siblings().items():
        if entry.startswith(last) and group[0] != entry and group[0] not in found:
            found.append(group[0])
    return [f"{head} {term}".strip() for term in found[:MAX_VARIANTS]]


@cache
def _fixed_items() -> list[tuple[str, str, str, list[str]]]:
    """Return (text, kind, field:term for counting, starts) of categories and places."""
    items = []
    for category in reference_data()["categories"]:
        for label in (category["label"], category["label_en"]):
            items.append((label, "category", ("category", category["slug"]), _starts(label)))
    for name, key in place_names():
        items.append((name, "place", ("place", key), _starts(name)))
    return items


def complete(reader, text: str, limit: int = 10) -> list[dict]:
    """Return up to `limit` completions of `text`: [{"text", "kind"}], best first."""
    prefix = _prefix(text)
    if not prefix:
        return []
    prefixes = [prefix, *_variant_prefixes(prefix)]
    ranked = {}

    def offer(shown, kind, rank):
        key = (shown.casefold(), kind)
        if key not in ranked or rank < ranked[key][0]:
            ranked[key] = (rank, shown, kind)

    for variant, start in enumerate(prefixes):
        for field, kind in SOURCES:
            for term in islice(reader.expand_prefix(field, start), MAX_SCAN):
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                key, _, shown = term.partition(SEPARATOR)
                if not _live(reader, field, term):
                    continue
                whole = key == " ".join(plain_words(shown))
                offer(shown, kind, (variant > 0, not whole, -reader.doc_frequency(field, term),
                                    len(shown)))
        for shown, kind, (field, term), starts in _fixed_items():
            matched = [i for i, s in enumerate(starts) if s.startswith(start.rstrip())]
            count = reader.doc_frequency(field, term)
            if matched and count:
                offer(shown, kind, (variant > 0, matched[0] > 0, -count, len(shown)))
    best = sorted(ranked.values(), key=lambda item: item[0])
    return [{"text": shown, "kind": kind} for _, shown, kind in best[:limit]]


def _live(reader, field: str, term: str) -> bool:
    # The lexicon keeps the terms of deleted documents until segments merge.
    return reader.postings(field, term).is_active() if reader.has_deletions() else True
