"""The search vocabulary staff can extend: data files under `directory/data/search/`.

vocabulary.txt (variants and synonyms), keep.txt (stems by hand), roots.txt (colloquial
roots for the stemmer), stopwords.txt, modifiers.txt, places.txt. Read once per process.
"""

from functools import cache

from .data import data_lines
from .places import place_words
from .tokens import words

PHRASE_JOINER = "_"  # "warung kopi" is indexed as one more term "warung_kopi"


def entry_words(entry: str) -> tuple[str, ...]:
    """Return an entry's words as the tokenizer sees them: "Oleh-oleh" -> ("oleh-oleh",)."""
    return tuple(w for w, _, _ in words(entry))


@cache
def groups() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Return the groups of vocabulary.txt; each entry is a tuple of words."""
    found = []
    for line in data_lines("vocabulary.txt"):
        if ">" in line:
            continue
        entries = tuple(e for part in line.split(",") if (e := entry_words(part)))
        if entries:
            found.append(entries)
    return tuple(found)


@cache
def narrower() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Return broader entry -> narrower entries ("minum > wedang, dawet"), query side only."""
    found = {}
    for line in data_lines("vocabulary.txt"):
        broader, sep, rest = line.partition(">")
        if sep and (key := entry_words(broader)):
            found[key] = tuple(e for part in rest.split(",") if (e := entry_words(part)))
    return found


@cache
def phrases() -> dict[tuple[str, ...], str]:
    """Return entry words -> the group's term: ("kripik",) -> "keripik"."""
    found = {}
    for group in groups():
        canonical = PHRASE_JOINER.join(group[0])
        for entry in group:
            found.setdefault(entry, canonical)
    return found


@cache
def longest_phrase() -> int:
    return max((len(entry) for entry in phrases()), default=1)


@cache
def siblings() -> dict[str, tuple[str, ...]]:
    """Return each entry (words joined by spaces) -> every entry of its group."""
    found = {}
    for group in groups():
        texts = tuple(" ".join(entry) for entry in group)
        for text in texts:
            found.setdefault(text, texts)
    return found


@cache
def keep() -> dict[str, str]:
    """Return word -> the stem to use instead of the stemmer's (itself when kept as is)."""
    found = {word: word for word in place_words()}
    for line in data_lines("keep.txt"):
        word, _, stem = (part.strip().lower() for part in line.partition("="))
        found[word] = stem or word
    return found


@cache
def roots() -> frozenset[str]:
    """Return the roots added to the stemmer's dictionary (roots.txt and one-word entries)."""
    extra = {line.lower() for line in data_lines("roots.txt")}
    extra |= {entry[0] for entry in phrases() if len(entry) == 1 and entry[0].isalpha()}
    return frozenset(extra)


@cache
def modifiers() -> frozenset[str]:
    """Return the words a query drops first when it finds too little (modifiers.txt)."""
    return frozenset(line.lower() for line in data_lines("modifiers.txt"))


@cache
def stopwords() -> frozenset[str]:
    return frozenset(line.lower() for line in data_lines("stopwords.txt"))
