"""Where the query's words are in a hit: character ranges, never markup.

The frontend renders the ranges as text nodes and <mark> elements (docs/api-contract.md).
>>> ranges("Keripik Tempe Bu Sri", {"keripik"}, set(), "indonesian")
[[0, 7]]
"""

from .analysis import analyzer, plain_analyzer

SNIPPET = 160  # characters of description shown around the first match
LEAD = 40  # characters kept before the first match
ELLIPSIS = "\u2026"


def ranges(text: str, terms: set[str], exact: set[str], analyzer_name: str) -> list[list[int]]:
    """Return the merged [start, end) ranges of `text`'s words matching the query."""
    spans = [(t.startchar, t.endchar)
             for t in analyzer(analyzer_name)(text or "", chars=True, mode="index")
             if t.text in terms]
    spans += [(t.startchar, t.endchar) for t in plain_analyzer()(text or "", chars=True)
              if t.text in exact]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def snippet(text: str, marks: list[list[int]]) -> dict | None:
    """Return {"text", "ranges"}: a window of `text` around its first match, or None."""
    if not marks:
        return None
    if len(text) <= SNIPPET:
        return {"text": text, "ranges": marks}
    start = max(0, marks[0][0] - LEAD)
    if start:
        start = text.find(" ", start, marks[0][0]) + 1 or start
    end = min(len(text), start + SNIPPET)
    if end < len(text):
        cut = text.rfind(" ", marks[0][1], end)
        end = cut if cut > 0 else end
    lead, shift = (ELLIPSIS, 1 - start) if start else ("", 0)
    inside = [[max(s, start) + shift, min(e, end) + shift]
              for s, e in marks if s < end and e > start]
    tail = ELLIPSIS if end < len(text) else ""
    return {"text": lead + text[start:end] + tail, "ranges": inside}


def business_highlights(stored: dict, terms: set[str], exact: set[str], name: str) -> dict:
    """Return the highlights of one hit from its stored name, products and description."""
    products = [p for p in (stored.get("products") or "").split("\n") if p]
    description = stored.get("description") or ""
    return {
        "name": ranges(stored.get("name") or "", terms, exact, name),
        "products": [ranges(p, terms, exact, name) for p in products],
        "description": snippet(description, ranges(description, terms, exact, name)),
    }
