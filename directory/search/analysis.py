"""Text analysis shared by indexing and querying: the same terms on both sides.

`plain_analyzer()`: Unicode words, lowercase, accents folded (the core's, kept for
comparison and for the exact fields).
>>> [t.text for t in plain_analyzer()("Kopi Léak, Rampal-Celaket")]
['kopi', 'leak', 'rampal', 'celaket']

`indonesian_analyzer()`: the same words, then the vocabulary (variants and synonyms, one
term per group), Sastrawi stems guarded by a keep-list, and a few stopwords.
>>> [t.text for t in indonesian_analyzer()("Kripiknya, sambel & oleh2 di Pelukis", mode="query")]
['keripik', 'sambal', 'oleh-oleh', 'lukis']
"""

from functools import cache, lru_cache

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, Token
from whoosh.analysis.tokenizers import Tokenizer
from whoosh.support.charset import accent_map

from . import vocabulary
from .tokens import words

ANALYZERS = ("indonesian", "plain")
DEFAULT_ANALYZER = "indonesian"  # the one default of config SEARCH_ANALYZER and the index
MIN_STEM_LENGTH = 4  # shorter words are roots already (tas, mi, es)


@cache
def plain_analyzer():
    """Return the core analyzer: Unicode words, lowercase, accents folded."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


@cache
def indonesian_analyzer():
    """Return the analyzer of the stemmed fields (see the module docstring)."""
    return MalangTokenizer() | IndonesianFilter()


def analyzer(name: str = DEFAULT_ANALYZER):
    """Return the analyzer called `name` (config key SEARCH_ANALYZER)."""
    if name not in ANALYZERS:
        raise ValueError(f"unknown analyzer {name!r}; expected one of {ANALYZERS}")
    return indonesian_analyzer() if name == "indonesian" else plain_analyzer()


def terms(text: str, name: str = DEFAULT_ANALYZER) -> list[str]:
    """Return the query terms of `text`, in order, duplicates kept."""
    return [t.text for t in analyzer(name)(text or "", mode="query")]


@cache
def _stemmer():
    # Imported here: building the dictionary takes ~0.1 s, only when first needed.
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    known = StemmerFactory().get_words() + sorted(vocabulary.roots())
    return Stemmer(ArrayDictionary(known))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Return the root of `word`: keep-list first, then Sastrawi.

    >>> stem("kripiknya"), stem("pelukis"), stem("batikan"), stem("penanggungan")
    ('kripik', 'lukis', 'batik', 'penanggungan')
    """
    kept = vocabulary.keep().get(word)
    if kept:
        return kept
    if len(word) < MIN_STEM_LENGTH or not word.replace("-", "").isalpha():
        return word
    return _stemmer().stem_word(word) or word


@lru_cache(maxsize=200_000)
def normalize(word: str) -> str:
    """Return the term of one word: its group's term, else its stem's group term or stem."""
    phrases = vocabulary.phrases()
    if (word,) in phrases:
        return phrases[(word,)]
    root = stem(word)
    return phrases.get((root,), root)


class MalangTokenizer(Tokenizer):
    """Words folded to lowercase; reduplications ("oleh-oleh", "oleh2") are one word."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (word, start, end) in enumerate(words(value)):
            token.text, token.boost, token.stopped = word, 1.0, False
            if keeporiginal:
                token.original = value[start:end]
            token.pos = start_pos + pos
            token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class IndonesianFilter(Filter):
    """Vocabulary phrases, stems and stopwords over MalangTokenizer's words.

    A phrase ("warung kopi") becomes its group's term; at index time its words are
    indexed too, so "kopi" still finds "Warung Kopi".
    """

    def __call__(self, tokens):
        items, proto = [], None
        for t in tokens:
            proto = proto or Token(t.positions, t.chars, removestops=t.removestops,
                                   mode=t.mode)
            items.append((t.text, t.pos, t.startchar, t.endchar))
        if proto is None:
            return
        stops = vocabulary.stopwords()
        phrases, longest = vocabulary.phrases(), vocabulary.longest_phrase()
        indexing = proto.mode == "index"
        i = 0
        while i < len(items):
            for n in range(min(longest, len(items) - i), 1, -1):
                entry = tuple(item[0] for item in items[i:i + n])
                if entry in phrases:
                    yield self._emit(proto, phrases[entry], items[i], items[i + n - 1][3])
                    if indexing:
                        for item in items[i:i + n]:
                            if item[0] not in stops:
                                yield self._emit(proto, normalize(item[0]), item, item[3])
                    i += n
                    break
            else:
                word = items[i][0]
                if word not in stops:
                    yield self._emit(proto, normalize(word), items[i], items[i][3])
                i += 1

    @staticmethod
    def _emit(token, text, first, endchar):
        token.text, token.boost, token.stopped = text, 1.0, False
        token.pos, token.startchar, token.endchar = first[1], first[2], endchar
        return token
