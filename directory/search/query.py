"""Public text -> a Whoosh query built from analyzed terms, never from Whoosh's syntax.

Stages: every word required; when that finds fewer than HANDFUL, the weakest words become
optional step by step; then unknown words of 5+ letters also match index words one typo
away; shorter ones only when nothing matched at all. A place named in the query ("keramik
dinoyo") is never required: its businesses rank first. Optional words still count: a
business holding more of the words ranks above one holding fewer. Words after "jl"/"jalan"
(and words found nowhere but in addresses) are also looked up in the street address.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from whoosh import query as Q
from whoosh.query.compound import DefaultOr

from . import vocabulary
from .additions import Additions, related_terms
from .analysis import indonesian_analyzer, normalize, terms
from .places import find_places
from .spelling import frequency, neighbours
from .tokens import plain_words

HANDFUL = 5  # fewer results than this and the query relaxes
MAX_WORDS = 10  # words beyond this are ignored: bounds the number of relaxation steps
FIELDS = {"name": 4.0, "products": 2.5, "category_text": 1.5, "description": 1.0, "owner": 0.8}
EXACT_FIELDS = {"name_exact": 4.0, "products_exact": 2.5, "description_exact": 1.0}
EXACT_WEIGHT = 0.5  # a word matched as typed adds half its field's weight: exact > stemmed
TYPO_WEIGHT = 0.3  # a word matched one typo away counts less than a stemmed match
NARROWER_WEIGHT = 0.5  # "minuman" finds "wedang", below what says "minuman"
PLACE_BOOST = 40.0  # a business in the place named ranks above the others
# Each optional word a business holds adds more than any text score can: businesses holding
# every word ("tahu isi") rank above those holding fewer ("Tahu Bakso" by its name).
COVERAGE_SCORE = 1000.0
ADDRESS_WEIGHT = 2.0  # a street named in the query ("jl trunojoyo"), as strong as a product
STREET_MARKERS = frozenset({"jl", "jln", "jalan", "gg", "gang"})  # "jl. trunojoyo": a street
TYPO_MIN_LENGTH = 5
SHORT_TYPO_MIN_LENGTH = 4  # 4-letter words get typo tolerance only when nothing matched
PLAIN_FIELDS = {"name": 4.0, "products": 2.5, "description": 1.0, "owner": 0.8}
NO_ADDITIONS = Additions()
# A tree of unions that can skip ahead; Whoosh's default Or preloads every posting of
# every term on indexes under 5,000 documents, which costs more than it saves here.
Or = DefaultOr


@dataclass(frozen=True)
class Word:
    term: str  # analyzed: stemmed, variants folded into their group's term
    surface: tuple[str, ...]  # the plain words typed, for the exact fields
    df: int = 0  # how many fields of businesses hold the term
    typos: tuple[str, ...] = ()  # index words one typo away from the word typed
    street: bool = False  # also looked up in the address ("jl trunojoyo")
    # Staff additions (search/additions.py): the terms of each entry it also matches.
    related: tuple[tuple[tuple[str, ...], float], ...] = ()


@dataclass
class Plan:
    query: Q.Query
    terms: set[str] = field(default_factory=set)  # analyzed terms matched, for highlights
    exact: set[str] = field(default_factory=set)  # plain words matched, for highlights
    suggestion: str | None = None
    typos: bool = False  # the typo stage was needed (counted by the query log)


def plain_plan(text: str) -> Plan:
    """Return the core's query: every plain word required in some text field."""
    words = list(dict.fromkeys(terms(text, "plain")))
    if not words:
        return Plan(Q.Every() if not text.strip() else Q.NullQuery)
    query = Q.And([Or([Q.Term(f, w, boost=b) for f, b in PLAIN_FIELDS.items()])
                   for w in words])
    return Plan(query, terms=set(words), exact=set(words))


def plan(reader, text: str, count: Callable[[Q.Query], int],
         additions: Additions = NO_ADDITIONS) -> Plan:
    """Return the query for `text`; `count(query)` says how many it finds (up to HANDFUL).

    `additions`: the staff's vocabulary additions, expanded here at query time.
    """
    if not text.strip():
        return Plan(Q.Every())
    places, words, place_words = _read(reader, text, additions)
    if not words and not places:
        return Plan(Q.NullQuery)
    query, found = _relaxed(words, places, place_words, count)
    strict = found if len(words) <= 1 else count(_compose(words, [], places, place_words))
    for min_length, wanted in ((TYPO_MIN_LENGTH, HANDFUL), (SHORT_TYPO_MIN_LENGTH, 1)):
        if found >= wanted:
            break
        tolerant = [_with_typos(reader, w, min_length) for w in words]
        if tolerant != words:
            words = tolerant
            query, found = _relaxed(words, places, place_words, count)
    result = Plan(query, typos=any(w.typos for w in words))
    for w in words + place_words:
        result.terms |= {w.term, *map(normalize, w.typos)}
        result.terms |= {term for entry, _ in w.related for term in entry}
        result.exact |= {*_exact_words(w), *w.typos}
    if strict < HANDFUL:
        result.suggestion = _suggestion(reader, text, words, strict, count, additions)
    return result


def _read(reader, text: str, additions: Additions = NO_ADDITIONS):
    spans = find_places(text)
    words, place_words = {}, {}
    tokens = [(t.text, t.startchar, t.endchar)
              for t in indonesian_analyzer()(text, mode="query", chars=True)]
    street = False
    for i, (term, start, end) in enumerate(tokens):
        inside = any(s <= start and end <= e for _, s, e in spans)
        surface = tuple(plain_words(text[start:end]))
        if len(surface) == 1 and surface[0] in STREET_MARKERS and i + 1 < len(tokens):
            street = True  # "jl", "jalan": the words after it name a street
            continue
        word = Word(term, surface, street=street and not inside)
        (place_words if inside else words).setdefault(term, word)
    related = related_terms(additions) if additions else {}
    return [k for k, _, _ in spans], [
        _counted(reader, replace(w, related=related.get(w.term, ())))
        for w in list(words.values())[:MAX_WORDS]
    ], list(place_words.values())


def _counted(reader, w: Word) -> Word:
    """Return `w` with its document frequency; a word found nowhere else may be a street."""
    # A word the index lacks but a staff addition answers is no unknown word.
    known = [w.term, *(entry[0] for entry, _ in w.related if len(entry) == 1)]
    df = sum(reader.doc_frequency(f, t) for f in FIELDS for t in known)
    # An index built before addresses were indexed answers until its rebuild (init-db).
    if (w.street or not df) and "address" in reader.schema:
        in_address = reader.doc_frequency("address", w.term)
        return replace(w, df=df + in_address, street=w.street or bool(in_address))
    return replace(w, df=df, street=False)


def _clause(w: Word) -> Q.Query:
    subs = [Q.Term(f, w.term, boost=b) for f, b in FIELDS.items()]
    if w.street:
        subs.append(Q.Term("address", w.term, boost=ADDRESS_WEIGHT))
    for f, b in EXACT_FIELDS.items():
        exact = [Q.Term(f, s) for s in _exact_words(w)]
        if exact:
            subs.append(exact[0].with_boost(b * EXACT_WEIGHT) if len(exact) == 1
                        else Q.And(exact, boost=b * EXACT_WEIGHT))
    for typo in w.typos:
        subs += [Q.Term(f, normalize(typo), boost=b * TYPO_WEIGHT) for f, b in FIELDS.items()]
    for entry in _narrower().get(w.term, ()):
        subs.append(Q.And([Or([Q.Term(f, term, boost=b * NARROWER_WEIGHT)
                                 for f, b in FIELDS.items()]) for term in entry]))
    for entry, weight in w.related:
        subs.append(Q.And([Or([Q.Term(f, term, boost=b * weight)
                                 for f, b in FIELDS.items()]) for term in entry]))
    return Or(subs)


def _exact_words(w: Word) -> tuple[str, ...]:
    """Return the plain words to match as typed; none for "oleh oleh", which the exact
    fields hold as "oleh" twice: it would find the "oleh" of "dijahit oleh perajin"."""
    return w.surface if len(set(w.surface)) == len(w.surface) else ()


def prune(query: Q.Query, reader) -> Q.Query:
    """Return `query` without the terms no document holds: fewer matchers to run."""
    if isinstance(query, Q.Term):
        return query if reader.doc_frequency(query.fieldname, query.text) else Q.NullQuery
    if isinstance(query, Q.WrappingQuery):
        child = prune(query.child, reader)
        return Q.NullQuery if child is Q.NullQuery else query.apply(lambda _: child)
    if isinstance(query, Q.AndMaybe):
        required = prune(query.a, reader)
        if required is Q.NullQuery:
            return Q.NullQuery
        return Q.AndMaybe(required, prune(query.b, reader)).normalize()
    if isinstance(query, Q.CompoundQuery):
        subs = [prune(q, reader) for q in query.subqueries]
        # Whoosh's normalize() drops null parts even from an And: a required part that
        # matches nothing must empty the whole And instead.
        if isinstance(query, Q.And) and Q.NullQuery in subs:
            return Q.NullQuery
        return type(query)(subs, boost=query.boost).normalize()
    return query


@cache
def _narrower() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Return a broader term -> the terms of each narrower entry."""
    found = {}
    for broader, entries in vocabulary.narrower().items():
        key = normalize(broader[0]) if len(broader) == 1 else "_".join(broader)
        found[key] = tuple(tuple(normalize(word) for word in entry) for entry in entries)
    return found


def _compose(required, optional, places, place_words) -> Q.Query:
    extra = [Or([_Covered(_clause(w), COVERAGE_SCORE), _clause(w)]) for w in optional]
    if places:
        extra.append(Or([Q.Term("place", k, boost=PLACE_BOOST) for k in places]
                          + [_clause(w) for w in place_words]))
    if not required:
        return Or(extra)
    core = Q.And([_clause(w) for w in required]) if len(required) > 1 else _clause(required[0])
    return Q.AndMaybe(core, Or(extra)) if extra else core


class _Covered(Q.ConstantScoreQuery):
    """The same score for every business holding the word (COVERAGE_SCORE)."""

    boost = 1.0  # Whoosh's Or.normalize reads every part's boost; a wrapper has none


def _relaxed(words, places, place_words, count) -> tuple[Q.Query, int]:
    """Return the query with every word required, or fewer when it finds too little.

    Modifiers ("murah", "khas malang", "toko") describe rather than name: they never narrow
    a query that names something else, they only rank what holds them first.
    """
    required = [w for w in words if not _is_modifier(w)] or list(words)
    optional = [w for w in words if w not in required]
    query = _compose(required, optional, places, place_words)
    found = count(query)
    for step in _weakest_first(words):
        if found >= HANDFUL:
            break
        step = [w for w in step if w in required][:len(required) - 1]
        for w in step:
            required.remove(w)
            optional.append(w)
        query = _compose(required, optional, places, place_words)
        found = count(query)
    return query, found


def _weakest_first(words) -> list[list[Word]]:
    """Return the steps of relaxation: words found nowhere, then every modifier ("murah",
    "toko", "kerajinan", "tukang"; the last first), then one word at a time from the end:
    an Indonesian phrase names the thing first ("kopi susu gula aren")."""
    unknown = [w for w in words if w.df == 0 and not w.typos]
    modifiers = [w for w in reversed(words) if w not in unknown and _is_modifier(w)]
    rest = [[w] for w in reversed(words) if w not in unknown and w not in modifiers]
    return [unknown, modifiers, *rest]


def _is_modifier(w: Word) -> bool:
    """Return whether `w` is in modifiers.txt, as typed or as a variant ("kedai" = warung)."""
    return set(w.surface) <= vocabulary.modifiers() or w.term in _modifier_terms()


@cache
def _modifier_terms() -> frozenset[str]:
    return frozenset(normalize(word) for word in vocabulary.modifiers())


def _with_typos(reader, w: Word, min_length: int) -> Word:
    # Only a word the index does not know is taken for a typo: "tempe" never finds "tempo".
    if w.typos or w.df or len(w.surface) != 1 or len(w.surface[0]) < min_length:
        return w
    typos = tuple(c for c, _ in neighbours(reader, w.surface[0]) if normalize(c) != w.term)
    return replace(w, typos=typos) if typos else w


def _suggestion(reader, text: str, words, strict: int, count,
                additions: Additions = NO_ADDITIONS) -> str | None:
    """Return `text` with its unknown words spelled as the index does, if that finds more."""
    unknown = {w.surface[0] for w in words if len(w.surface) == 1 and w.df == 0
               and len(w.surface[0]) >= SHORT_TYPO_MIN_LENGTH
               and frequency(reader, w.surface[0]) == 0}
    fixes = {word: best[0][0] for word in unknown if (best := neighbours(reader, word, 1))}
    if not fixes:
        return None
    suggested = " ".join(fixes.get(word, word) for word in plain_words(text))
    places, better, place_words = _read(reader, suggested, additions)
    return suggested if count(_compose(better, [], places, place_words)) > strict else None
