"""Text analysis shared by indexing and querying.

Core version: Unicode words, lowercase, accents folded.
>>> [t.text for t in analyzer()("Kopi Léak, Rampal-Celaket")]
['kopi', 'leak', 'rampal', 'celaket']
"""

from functools import cache

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map

WORD = r"\w+"


@cache
def analyzer():
    """Return the analyzer used for every text field, at index and at query time."""
    return RegexTokenizer(WORD) | LowercaseFilter() | CharsetFilter(accent_map)


def terms(text: str) -> list[str]:
    """Return the index terms of `text`, in order, duplicates kept."""
    return [token.text for token in analyzer()(text or "")]
