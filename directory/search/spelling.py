"""Typo candidates: words of the index one edit away, the first letter fixed.

An edit is a deletion, insertion, substitution or transposition of neighbours (Damerau):
"bakos" -> "bakso". Candidates are generated (about 54 per letter) and looked up, so the
cost does not grow with the index.
"""

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
LEXICON_FIELDS = ("name_exact", "products_exact", "description_exact")


def edits(word: str) -> set[str]:
    """Return the strings one edit from `word` that keep its first letter.

    >>> "bakso" in edits("bakos"), "jakso" in edits("bakso")
    (True, False)
    """
    head, rest = word[:1], word[1:]
    splits = [(rest[:i], rest[i:]) for i in range(len(rest) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in ALPHABET if c != b[0]}
    found |= {a + c + b for a, b in splits for c in ALPHABET}
    return {head + e for e in found} - {word}


def frequency(reader, word: str) -> int:
    """Return in how many business fields `word` appears as typed (unstemmed)."""
    return sum(reader.doc_frequency(field, word) for field in LEXICON_FIELDS)


def neighbours(reader, word: str, limit: int = 3) -> list[tuple[str, int]]:
    """Return up to `limit` (word, frequency) one edit from `word`, most frequent first."""
    if not word.isalpha():
        return []
    found = [(c, n) for c in edits(word) if (n := frequency(reader, c))]
    return sorted(found, key=lambda item: (-item[1], item[0]))[:limit]
