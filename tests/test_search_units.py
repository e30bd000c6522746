"""Search internals on a small index of hand-written documents: query planning and facets.

No Flask app, no database: a RAM index with the real schema and analyzers, so each stage
of planning (every word required, relaxation, places, typos, suggestion) and each facet
operation is seen on its own, beside the API-level tests of test_search_api.py.
"""

import pytest
from whoosh.filedb.filestore import RamStorage

from directory.search import query
from directory.search.bitmaps import to_docnums
from directory.search.facets import FacetSets
from directory.search.places import document_places
from directory.search.schema import build_schema

# id, name, products, category, kecamatan, kelurahan
BUSINESSES = [
    (1, "Keripik Tempe Bu Sri", "keripik tempe", "kuliner", "blimbing", "purwantoro"),
    (2, "Tempe Sanan Pak Joyo", "tempe mentah", "kuliner", "blimbing", "purwantoro"),
    (3, "Bakso Pak Kumis", "bakso urat", "kuliner", "klojen", "kauman"),
    (4, "Batik Celaket", "batik tulis", "fesyen", "klojen", "rampalcelaket"),
    (5, "Keramik Dinoyo Jaya", "vas keramik", "kriya", "lowokwaru", "dinoyo"),
    (6, "Kopi Tjangkir", "kopi bubuk", "kuliner", "lowokwaru", "tlogomas"),
    (7, "Keripik Apel Batu", "keripik apel", "kuliner", "sukun", "bandungrejosari"),
]


def _document(id_, name, products, category, kecamatan, kelurahan) -> dict:
    return {"id": str(id_), "name": name, "name_exact": name, "products": products,
            "products_exact": products, "category": category, "district": kecamatan,
            "kelurahan": kelurahan, "place": document_places(kecamatan, kelurahan),
            "name_sort": name.casefold(), "latest_on": id_}


@pytest.fixture(scope="module")
def searcher():
    index = RamStorage().create_index(build_schema())
    with index.writer() as writer:
        for business in BUSINESSES:
            writer.add_document(**_document(*business))
    with index.searcher() as opened:
        yield opened


def _ids(searcher, q) -> set[int]:
    return {int(hit["id"]) for hit in searcher.search(q, limit=None)}


def _plan(searcher, text: str) -> query.Plan:
    def count(candidate) -> int:
        return min(len(searcher.search(candidate, limit=None)), query.HANDFUL)

    planned = query.plan(searcher.reader(), text, count)
    planned.query = query.prune(planned.query, searcher.reader())
    return planned


# -- query planning ------------------------------------------------------------------------

def test_empty_text_plans_every_business(searcher):
    assert _plan(searcher, "   ").query == query.Q.Every()


def test_text_of_no_words_plans_nothing(searcher):
    assert _plan(searcher, "!!! ???").query is query.Q.NullQuery


def test_every_word_is_required_while_enough_businesses_hold_them_all(searcher):
    planned = _plan(searcher, "keripik tempe")
    # Only business 1 holds both words; fewer than HANDFUL, so the last word relaxes and
    # the ones holding both still rank first.
    hits = [int(h["id"]) for h in searcher.search(planned.query, limit=None)]
    assert hits[0] == 1
    assert set(hits) == {1, 7}  # "keripik" stays required: the thing named first
    assert {"keripik", "tempe"} <= planned.exact


def test_a_word_found_nowhere_is_relaxed_first(searcher):
    assert _ids(searcher, _plan(searcher, "bakso zzzqqq").query) == {3}


def test_a_place_named_ranks_its_businesses_first_without_being_required(searcher):
    hits = [int(h["id"]) for h in searcher.search(_plan(searcher, "keripik sukun").query,
                                                  limit=None)]
    assert hits[0] == 7 and set(hits) == {1, 7}


def test_a_kelurahan_in_any_spelling_is_a_place(searcher):
    hits = [int(h["id"]) for h in searcher.search(
        _plan(searcher, "batik rampal-celaket").query, limit=None)]
    assert hits[0] == 4


def test_an_unknown_long_word_also_matches_words_one_typo_away(searcher):
    planned = _plan(searcher, "keramikk")
    assert planned.typos
    assert _ids(searcher, planned.query) == {5}


def test_a_known_word_is_never_taken_for_a_typo(searcher):
    planned = _plan(searcher, "tempe")
    assert not planned.typos
    assert _ids(searcher, planned.query) == {1, 2}


def test_a_misspelling_gets_the_index_spelling_as_suggestion(searcher):
    assert _plan(searcher, "baksso").suggestion == "bakso"


def test_a_known_spelling_gets_no_suggestion(searcher):
    assert _plan(searcher, "bakso").suggestion is None


def test_prune_empties_an_and_whose_required_term_no_document_holds(searcher):
    required = query.Q.And([query.Q.Term("name", "bakso"), query.Q.Term("name", "zzz")])
    assert query.prune(required, searcher.reader()) is query.Q.NullQuery
    either = query.Q.Or([query.Q.Term("name", "bakso"), query.Q.Term("name", "zzz")])
    assert query.prune(either, searcher.reader()) == query.Q.Term("name", "bakso")


def test_plain_plan_requires_every_plain_word(searcher):
    assert _ids(searcher, query.plain_plan("keripik apel").query) == {7}
    assert query.plain_plan("").query == query.Q.Every()


# -- facets ----------------------------------------------------------------------------------

def _docnums(searcher, ids) -> int:
    found = 0
    for id_ in ids:
        found |= 1 << searcher.document_number(id=str(id_))
    return found


def _as_ids(searcher, documents: int) -> set[int]:
    return {int(searcher.stored_fields(n)["id"]) for n in to_docnums(documents)}


@pytest.fixture(scope="module")
def facets(searcher):
    return FacetSets(searcher, ["category", "district"])


def test_facet_values_are_the_documents_holding_them(searcher, facets):
    assert _as_ids(searcher, facets.matching("district", ["klojen"])) == {3, 4}
    assert _as_ids(searcher, facets.matching("district", ["klojen", "sukun"])) == {3, 4, 7}
    assert facets.matching("district", ["kedungkandang"]) == 0
    assert facets.matching("rubric", ["umkm"]) == 0  # a field not read holds nothing


def test_filters_and_between_fields_or_within_one(searcher, facets):
    allowed = facets.allowed({"category": ["kuliner"], "district": ["klojen", "lowokwaru"]})
    assert _as_ids(searcher, allowed) == {3, 6}
    assert facets.allowed({"category": []}) is None  # no value given: no filter


def test_counts_are_largest_first_and_leave_zeros_out(searcher, facets):
    everything = facets.live
    assert facets.counts("category", everything) == {"kuliner": 5, "fesyen": 1, "kriya": 1}
    assert facets.counts("district", _docnums(searcher, [1, 2, 3])) == {
        "blimbing": 2, "klojen": 1}


def test_deleted_documents_leave_every_set():
    index = RamStorage().create_index(build_schema())
    with index.writer() as writer:
        for business in BUSINESSES[:3]:
            writer.add_document(**_document(*business))
    with index.writer() as writer:
        writer.delete_by_term("id", "3")
    with index.searcher() as searcher:
        sets = FacetSets(searcher, ["district"])
        assert sets.counts("district", sets.live) == {"blimbing": 2}
        assert sets.matching("district", ["klojen"]) == 0
