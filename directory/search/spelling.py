"""Typo candidates: words of the index one edit away, the first letter fixed.

An edit is a deletion, insertion, substitution or transposition of neighbours (Damerau):
"bakos" -> "bakso". Candidates are generated (about 54 per letter) and checked against the
index's words, read once per reader, so the cost grows with the word, not with the index;
words over MAX_TYPO_LENGTH letters get no candidates at all (a 199-letter word is cheap).
"""

import threading
import weakref

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
LEXICON_FIELDS = ("name_exact", "products_exact", "description_exact")
# An Indonesian product word is rarely over 20 letters ("keripiktempe" is 12); longer input
# is not a typo worth ~54 candidates per letter.
MAX_TYPO_LENGTH = 20

_words: "weakref.WeakKeyDictionary[object, frozenset[str]]" = weakref.WeakKeyDictionary()
_words_lock = threading.Lock()


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


def index_words(reader) -> frozenset[str]:
    """Return the alphabetic words of the exact fields, read once per reader."""
    with _words_lock:
        known = _words.get(reader)
        if known is None:
            known = frozenset(
                word for field in LEXICON_FIELDS if field in reader.schema
                for raw in reader.lexicon(field)
                if (word := raw.decode("utf-8") if isinstance(raw, bytes) else raw).isalpha())
            _words[reader] = known
        return known


def neighbours(reader, word: str, limit: int = 3) -> list[tuple[str, int]]:
    """Return up to `limit` (word, frequency) one edit from `word`, most frequent first.

    >>> neighbours(None, "x" * (MAX_TYPO_LENGTH + 1))
    []
    """
    if not word.isalpha() or len(word) > MAX_TYPO_LENGTH:
        return []
    known = index_words(reader)
    found = [(c, frequency(reader, c)) for c in edits(word) if c in known]
    # A word of a deleted document stays in the lexicon until segments merge: frequency 0.
    found = [(c, n) for c, n in found if n]
    return sorted(found, key=lambda item: (-item[1], item[0]))[:limit]
