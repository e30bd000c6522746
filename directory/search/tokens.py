"""Words of a text as typed in Malang: lowercase, accents folded, reduplication kept whole.

>>> [w for w, _, _ in words("Oleh-oleh & oleh2 Kopi Léak")]
['oleh-oleh', 'oleh-oleh', 'kopi', 'leak']
"""

import re

from ..normalise import fold

WORD = re.compile(r"\w+")
# "oleh2": the digit 2 writes a reduplication.
REDUPLICATED = re.compile(r"([^\W\d_]{2,})2")


def words(text: str) -> list[tuple[str, int, int]]:
    """Return (word, start, end) for each word; "X-X", "X X" and "X2" become one word "X-X"."""
    found = [(fold(m.group()), m.start(), m.end()) for m in WORD.finditer(text or "")]
    merged = []
    i = 0
    while i < len(found):
        word, start, end = found[i]
        if i + 1 < len(found):
            nxt, nstart, nend = found[i + 1]
            if nxt == word and nstart - end == 1 and text[end] in "- " and not word.isdigit():
                merged.append((f"{word}-{word}", start, nend))
                i += 2
                continue
        match = REDUPLICATED.fullmatch(word)
        if match:
            word = f"{match.group(1)}-{match.group(1)}"
        merged.append((word, start, end))
        i += 1
    return merged


def plain_words(text: str) -> list[str]:
    """Return the plain words (`\\w+`, folded) of `text`, as the core analyzer splits them."""
    return [fold(m.group()) for m in WORD.finditer(text or "")]
