"""Search behaviours through GET /businesses and GET /suggest, one behaviour a test."""

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser

from directory import create_app, services
from directory.models import db
from directory.reference_tables import load_reference_data
from tests.helpers import spend_the_search_budget

DATA = Path(__file__).parent / "data"


@pytest.fixture
def search(app):
    """A client over tests/data/businesses.csv and search_businesses.csv; q -> answer."""
    with app.app_context():
        report = services.import_file(DATA / "search_businesses.csv")
        assert not report.errors, report.errors
    client = app.test_client()

    def run(q, **params):
        response = client.get("/api/v1/businesses", query_string={"q": q, **params})
        assert response.status_code == 200, response.get_json()
        return response.get_json()
    run.client = client
    return run


def slugs(answer):
    return [item["slug"] for item in answer["items"]]


@pytest.mark.parametrize(("typed", "expected"), [
    ("kripik", "keripik-tempe-bu-sri"),
    ("jilbab", "hijab-azzahra"),
    ("hijab", "kerudung-anggun"),
    ("bakos", "bakso-cak-man"),
    ("baso", "bakso-cak-man"),
    ("sambel", "sambal-bu-rini"),
    ("coffee", "kedai-kopi-klojen"),
    ("kopi", "ngalam-coffee-roastery"),
    ("oleh2", "oleh-oleh-ngalam"),
    ("oleh oleh", "kripik-apel-mbak-yuli"),
    ("kripiknya", "keripik-tempe-bu-sri"),
    ("sambelnya", "oleh-oleh-ngalam"),
])
def test_search_finds_the_other_spelling(search, typed, expected):
    assert expected in slugs(search(typed))


def test_exact_spelling_ranks_above_its_variant(search):
    found = slugs(search("kripik"))
    assert found.index("kripik-apel-mbak-yuli") < found.index("keripik-tempe-bu-sri")


def test_keramik_dinoyo_puts_dinoyos_ceramics_first(search):
    found = slugs(search("keramik dinoyo"))
    # Galeri Keramik Sukun says "keramik" more often, but it is not in Dinoyo.
    assert found[0] == "keramik-sumber-rejeki"
    assert "galeri-keramik-sukun" in found


def test_a_place_word_is_not_required(search):
    assert slugs(search("keripik tempe sanan"))[:2] == ["keripik-tempe-bu-sri",
                                                        "oleh-oleh-ngalam"]
    assert set(slugs(search("kopi lowokwaru"))) == {"ngalam-coffee-roastery",
                                                   "kedai-kopi-klojen"}
    assert slugs(search("kopi lowokwaru"))[0] == "ngalam-coffee-roastery"


def test_a_place_alone_finds_its_businesses(search):
    assert slugs(search("rampal celaket")) == ["batik-sekar-arum"]


def test_businesses_matching_every_word_rank_first(search):
    # Only one business sells keripik tempe *pedas*; the query relaxes for the others.
    found = slugs(search("keripik pedas"))
    assert found[0] == "keripik-tempe-bu-sri"
    assert "oleh-oleh-ngalam" in found


def test_an_unknown_word_is_dropped_rather_than_finding_nothing(search):
    found = slugs(search("bakso enakbanget"))
    assert found == ["bakso-cak-man"]


def test_a_typo_in_a_long_word_is_tolerated(search):
    assert "galeri-keramik-sukun" in slugs(search("keramk"))


def test_a_four_letter_typo_is_tried_when_nothing_else_matched(search):
    assert slugs(search("mada")) == ["madu-hutan-arjuno"]


def test_a_four_letter_typo_is_not_tried_when_other_words_matched(search):
    found = slugs(search("mada keripik"))
    assert found and "madu-hutan-arjuno" not in found


def test_suggestion_offers_the_spelling_the_index_has(search):
    assert search("bakos")["suggestion"] == "bakso"
    assert search("keramk hias")["suggestion"] == "keramik hias"


def test_no_suggestion_when_the_query_is_fine(search):
    assert search("keramik")["suggestion"] is None
    assert search("kripik")["suggestion"] is None


@pytest.fixture
def syntax_search(app, search):
    """`search` plus businesses that Whoosh's query syntax would find or drop."""
    with app.app_context():
        report = services.import_file(DATA / "syntax_businesses.csv")
        assert not report.errors, report.errors
    index = whoosh_index.open_dir(str(Path(app.config["SEARCH_INDEX_DIR"]) / "current"))
    parser = MultifieldParser(["name", "products", "description"], index.schema)
    parser.add_plugin(FuzzyTermPlugin())  # the one syntax plugin Whoosh leaves out

    def raw(q):
        """The slugs Whoosh's full query language finds for `q` (or the error it raises)."""
        with index.searcher() as searcher:
            try:
                return sorted(hit["slug"] for hit in searcher.search(parser.parse(q), limit=None))
            except Exception as error:  # a leaked phrase on fields without positions
                return repr(error)
    search.raw = raw
    yield search
    index.close()


# Each syntax, read by Whoosh, answers something else than its plain words do on this data
# (checked by the test itself), so a leak changes the answer instead of passing unseen.
@pytest.mark.parametrize(("syntax", "plain"), [
    ("name:bakso", "name bakso"),  # field: only Bakso Cak Man, not the warung selling bakso
    ("kopi*", "kopi"),  # wildcard: kopiah too
    ("kopi~1", "kopi 1"),  # fuzzy: topi too
    ("[bakso TO rawon]", "bakso TO rawon"),  # range: every word between, most businesses
    ('"kopi susu"', "kopi susu"),  # phrase: an error, the fields keep no positions
    ("bakso NOT rawon", "bakso not rawon"),  # NOT drops the warung selling both
    ("bakso AND rawon", "bakso and rawon"),  # AND keeps only the warung
    ("(bakso) AND NOT rawon^3", "bakso AND NOT rawon 3"),
])
def test_query_syntax_is_inert(syntax_search, syntax, plain):
    answer = slugs(syntax_search(syntax, per_page=100))
    assert answer, "the plain words find something"
    assert answer == slugs(syntax_search(plain, per_page=100))
    assert syntax_search.raw(syntax) != sorted(answer), "a pair that cannot tell a leak"


def test_a_search_cut_by_its_time_limit_says_partial_and_no_cache_keeps_it(search, app,
                                                                          monkeypatch):
    index = app.extensions["search"]
    limit = index.time_limit
    spend_the_search_budget(index, monkeypatch)
    cut = search.client.get("/api/v1/businesses?q=keripik&per_page=1")
    index.time_limit = limit
    ranked = search.client.get("/api/v1/businesses?q=keripik&per_page=1")
    assert ranked.json["total"] > 1 and len(cut.json["items"]) == 1  # a full page all the same
    assert (cut.json["partial"], ranked.json["partial"]) == (True, False)
    assert (cut.json["total"], cut.json["facets"]) == (ranked.json["total"],
                                                       ranked.json["facets"])
    assert cut.headers["Cache-Control"] == "no-store"
    assert ranked.headers["Cache-Control"].startswith("public")


@pytest.mark.parametrize("q", ["*", "?", "~", ":", "*:*", "[", "\\", "'", "%00"])
def test_punctuation_alone_finds_nothing(search, q):
    assert search(q)["total"] == 0


def test_highlights_mark_the_matched_words_by_range(search):
    item = next(i for i in search("kripik")["items"] if i["slug"] == "keripik-tempe-bu-sri")
    assert item["name"][slice(*item["highlights"]["name"][0])] == "Keripik"
    assert [p[0] for p in item["highlights"]["products"]] == [[0, 7]] * len(item["products"])
    assert item["highlights"]["description"] is None


def test_highlights_give_a_description_snippet_with_ranges(search):
    item = search("jilbab")["items"][0]
    snippet = item["highlights"]["description"]
    assert [snippet["text"][s:e] for s, e in snippet["ranges"]] == ["Jilbab", "hijab"]


def test_no_highlights_without_a_query(search):
    assert all(item["highlights"] is None for item in search("")["items"])


def test_filters_still_narrow_a_relaxed_query(search):
    answer = search("kopi", district="klojen")
    assert slugs(answer) == ["kedai-kopi-klojen"]
    assert answer["total"] == 1
    assert answer["facets"]["district"] == {"klojen": 1, "lowokwaru": 1}


def suggestions(search, q):
    response = search.client.get("/api/v1/suggest", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()["items"]


def test_suggest_completes_products_names_categories_and_places(search):
    kri = suggestions(search, "kri")
    assert {"text": "Kriya", "kind": "category"} in kri
    assert {"text": "kripik apel", "kind": "product"} in kri
    assert {"text": "Kripik Apel Mbak Yuli", "kind": "name"} in kri
    assert {"text": "Dinoyo", "kind": "place"} in suggestions(search, "dino")


def test_suggest_completes_the_other_spelling(search):
    assert {"text": "keripik tempe", "kind": "product"} in suggestions(search, "kri")
    assert {"text": "sambal bawang", "kind": "product"} in suggestions(search, "sambe")


def test_suggest_completes_from_inner_words(search):
    assert {"text": "keripik tempe", "kind": "product"} in suggestions(search, "tem")


def test_suggest_gives_at_most_ten(search):
    assert len(suggestions(search, "k")) == 10


def test_suggest_forgets_deleted_businesses(search, app):
    with app.app_context():
        with app.extensions["search"].applying() as index:  # out of the index only
            index.write(index.position, [], [services.get_business("jamu-mbok-sarti").id])
    assert not any(s["kind"] == "name" for s in suggestions(search, "jamu mbok"))


@pytest.mark.parametrize("q", ["", "x" * 101])
def test_suggest_refuses_an_empty_or_long_q(search, q):
    response = search.client.get("/api/v1/suggest", query_string={"q": q})
    assert response.status_code == 422
    assert "q" in response.get_json()["error"]["fields"]


def test_suggest_requires_q(search):
    response = search.client.get("/api/v1/suggest")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["q"]


def test_the_plain_analyzer_stays_available(tmp_path):
    app = create_app({"TESTING": True, "SEARCH_ANALYZER": "plain",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "index"),
                      "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}"})
    with app.app_context():
        db.create_all()
        load_reference_data()
        services.reindex()
        services.import_file(DATA / "businesses.csv")
    client = app.test_client()
    kripik = client.get("/api/v1/businesses?q=kripik").get_json()
    assert [i["slug"] for i in kripik["items"]] == ["kripik-apel-mbak-yuli"]
    app.extensions["search"].close()


def test_a_search_leaves_its_highlights_beside_the_rows_never_on_them(app):
    """Highlights and distance are one search's answer: the shared row never carries them."""
    from directory import services
    from directory.models import Business
    from directory.search import SearchRequest

    with app.app_context():
        _, hits = services.search_businesses(SearchRequest(text="bakso", per_page=5))
        assert hits, "the sample finds bakso"
        assert all(hit.highlights for hit in hits)
        assert all(hit.name == hit.business.name for hit in hits)
        assert not any(hasattr(hit.business, "highlights") for hit in hits)
        assert not hasattr(Business, "highlights") and not hasattr(Business, "distance_m")
