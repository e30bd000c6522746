"""Rank a page by Whoosh's own BM25F scores, computed for every candidate at once.

Whoosh scores one document at a time through a tree of Python matchers (measured at 20k
businesses: ~90 % of a search's time). The same sums are computed here with numpy over
arrays cached per searcher: each term's document numbers and BM25F scores, read once, and
each field's lengths. A query tree combines them as Whoosh's matchers do: a Term scores
bm25 x its boost; Or and And add their parts' scores (x their boost); AndMaybe adds the
optional part's score where it matches; ConstantScoreQuery gives its score where its child
matches. Ties go to the lower document number, as in
Whoosh's top collector. `Unsupported` means: let Whoosh rank this one.
"""

import threading
from collections import OrderedDict

import numpy as np
from whoosh import query as Q
from whoosh import scoring
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

TERM_CACHE = 1024  # terms kept per searcher, each a few bytes per document holding it
_LENGTHS = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)


class Unsupported(Exception):
    """A weighting, query or index layout this module does not reproduce."""


class Ranker:
    """Per-searcher arrays for scoring queries built by query.py."""

    def __init__(self, searcher):
        weighting = searcher.weighting
        if type(weighting) is not scoring.BM25F or weighting._field_B:
            raise Unsupported("only Whoosh's default BM25F is reproduced")
        self.searcher = searcher
        self.B, self.K1 = weighting.B, weighting.K1
        self.size = searcher.doc_count_all()
        self._lengths: dict[str, np.ndarray] = {}
        self._terms: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def top(self, q: Q.Query, selected: int, limit: int) -> list[int]:
        """Return the `limit` best documents of the bitmap `selected` for `q`, best first."""
        data = np.frombuffer(selected.to_bytes((selected.bit_length() + 7) // 8, "little"),
                             dtype=np.uint8)
        candidates = np.flatnonzero(np.unpackbits(data, bitorder="little"))
        if not len(candidates) or limit <= 0:
            return []
        scores = self._score(q)[candidates]
        if len(candidates) > limit:
            # Everything scoring at least the limit-th best, then an exact sort of those.
            threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = scores >= threshold
            candidates, scores = candidates[keep], scores[keep]
        order = np.lexsort((candidates, -scores))[:limit]
        return candidates[order].tolist()

    # -- scores -----------------------------------------------------------------------

    def _score(self, q: Q.Query) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float64)
        self._add(q, scores, 1.0)
        return scores

    def _add(self, q: Q.Query, into: np.ndarray, boost: float) -> None:
        """Add `q`'s score x `boost` into `into` (documents `q` does not match get 0)."""
        if q is Q.NullQuery:
            return
        if isinstance(q, Q.Term):
            docnums, scores = self._term(q.fieldname, q.text)
            into[docnums] += scores * (boost * q.boost) if boost * q.boost != 1.0 else scores
            return
        if isinstance(q, Q.ConstantScoreQuery):  # its score wherever its child matches
            into += np.where(self._mask(q.child), q.score * boost, 0.0)
            return
        if isinstance(q, Q.AndMaybe):  # the optional part adds where it matches
            self._add(q.a, into, boost)
            self._add(q.b, into, boost)
            return
        if isinstance(q, Q.Or) and not getattr(q, "scale", None):
            for sub in q.subqueries:
                self._add(sub, into, boost * q.boost)
            return
        if isinstance(q, Q.And):
            # Only the documents matching every part score: inside an Or, a document
            # holding one word of a narrower entry ("keripik" of "keripik tempe") gets 0.
            part = np.zeros(self.size, dtype=np.float64)
            for sub in q.subqueries:
                self._add(sub, part, boost * q.boost)
            into += np.where(self._mask(q), part, 0.0)
            return
        raise Unsupported(f"no scores for {type(q).__name__}")

    def _mask(self, q: Q.Query) -> np.ndarray:
        """Return which documents `q` matches (deleted ones included: callers filter)."""
        if isinstance(q, Q.Term):
            found = np.zeros(self.size, dtype=bool)
            found[self._term(q.fieldname, q.text)[0]] = True
            return found
        if isinstance(q, Q.AndMaybe):
            return self._mask(q.a)
        if isinstance(q, Q.ConstantScoreQuery):
            return self._mask(q.child)
        if isinstance(q, (Q.And, Q.Or)) and q.subqueries:
            masks = [self._mask(sub) for sub in q.subqueries]
            combine = np.logical_and if isinstance(q, Q.And) else np.logical_or
            return combine.reduce(masks)
        if q is Q.NullQuery or isinstance(q, (Q.And, Q.Or)):
            return np.zeros(self.size, dtype=bool)
        raise Unsupported(f"no matches for {type(q).__name__}")

    def _term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, text)
        with self._lock:
            found = self._terms.get(key)
            if found is not None:
                self._terms.move_to_end(key)
                return found
        found = self._read_term(field, text)
        with self._lock:
            self._terms[key] = found
            if len(self._terms) > TERM_CACHE:
                self._terms.popitem(last=False)
        return found

    def _read_term(self, field: str, text: str):
        searcher = self.searcher
        schema_field = searcher.schema[field]
        btext = schema_field.to_bytes(text)
        docnums, weights = [], []
        for reader, offset in searcher.reader().leaf_readers():
            try:
                matcher = reader.postings(field, btext)
            except TermNotFound:
                continue
            ids, ws = _postings(matcher)
            docnums.extend(offset + i for i in ids)
            weights.extend(ws)
        docnums = np.array(docnums, dtype=np.int64)
        tf = np.array(weights, dtype=np.float64)
        if not schema_field.scorable:
            return docnums, tf
        idf = searcher.idf(field, btext)
        avgfl = searcher.avg_field_length(field) or 1
        fl = self._field_lengths(field)[docnums]
        B, K1 = self.B, self.K1
        # whoosh.scoring.bm25, term for term, in the same order of operations.
        return docnums, idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))

    def _field_lengths(self, field: str) -> np.ndarray:
        with self._lock:
            found = self._lengths.get(field)
        if found is None:
            found = np.zeros(self.size, dtype=np.float64)
            for reader, offset in self.searcher.reader().leaf_readers():
                found[offset:offset + reader.doc_count_all()] = _LENGTHS[_length_bytes(
                    reader, field)]
            with self._lock:
                self._lengths[field] = found
        return found


def _postings(matcher) -> tuple[list[int], list[float]]:
    """Return every (document number, weight) of a segment's posting list, a block at a time."""
    ids, weights = [], []
    try:
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
    except AttributeError as error:  # another codec than whoosh3
        raise Unsupported("unknown posting format") from error
    return ids, weights


def _length_bytes(reader, field: str) -> np.ndarray:
    """Return one length byte per document of a segment (0 where the field is empty)."""
    count = reader.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    except (AttributeError, ImportError) as error:
        raise Unsupported("unknown length format") from error
    if column is None:
        return np.zeros(count, dtype=np.uint8)
    stored = column._count  # documents past the last stored length have the default, 0
    data = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    found = np.zeros(count, dtype=np.uint8)
    found[:min(stored, count)] = data[:count]
    return found
