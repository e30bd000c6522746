"""The analyzer: the same terms at index and query time, Indonesian word forms, places."""

import pytest

from directory.search import places, vocabulary
from directory.search.analysis import indonesian_analyzer, plain_analyzer, stem, terms


@pytest.mark.parametrize(("typed", "indexed"), [
    ("kripik", "keripik"),
    ("sambel", "sambal"),
    ("baso", "bakso"),
    ("mie", "mi"),
    ("kaus", "kaos"),
    ("jilbab", "hijab"),
    ("kerudung", "hijab"),
    ("coffee", "kopi"),
    ("oleh2", "oleh-oleh"),
    ("oleh oleh", "oleh-oleh"),
    ("souvenir", "oleh-oleh"),
    ("Ngalam", "malang"),
    ("ice cream", "es krim"),
    # loanwords beside Indonesian words
    ("suvenir", "oleh-oleh"),
    ("cendera mata", "oleh-oleh"),
    ("penatu", "laundry"),
    ("leather", "kulit"),
    ("buatan tangan", "handmade"),
    ("wedding", "pernikahan"),
    # people and the trades they name
    ("desainer", "desain"),
    ("fotografer", "fotografi"),
    ("tukang permak", "tukang jahit"),
    # the forms dish names take in East Java
    ("bakwan", "bakso"),
    ("sego goreng", "nasi goreng"),
    ("sego pecel", "nasi pecel"),
    ("gethuk", "getuk"),
    ("wedhang", "wedang"),
    ("telor", "telur"),
    ("es kelapa muda", "degan"),
    ("mie godog", "mi rebus"),
    ("ote-ote", "weci"),
    # everyday shop names
    ("kedai", "warung"),
    ("lapak", "warung"),
    ("store", "toko"),
    ("depot", "rumah makan"),
    ("kafe", "warkop"),
])
def test_variants_and_synonyms_meet_in_one_term(typed, indexed):
    assert terms(typed) == terms(indexed)


@pytest.mark.parametrize(("word", "root"), [
    ("kripiknya", "keripik"),
    ("sambelnya", "sambal"),
    ("baksonya", "bakso"),
    ("cemilan", "camilan"),
    ("lukisan", "lukis"),
    ("penjahit", "jahit"),
])
def test_suffixed_and_colloquial_words_stem(word, root):
    assert terms(word) == [root]


@pytest.mark.parametrize(("word", "kept"), [
    ("batikan", "batik"),
    ("pelukis", "lukis"),
    ("lupis", "lupis"),
    ("pemesanan", "pesan"),
    ("peternakan", "ternak"),
    ("penanggungan", "penanggungan"),
    ("bandulan", "bandulan"),
])
def test_keep_list_guards_against_over_stemming(word, kept):
    assert stem(word) == kept


@pytest.mark.parametrize("product", ["tahu", "rasa", "enak", "kecil", "oleh-oleh"])
def test_product_words_are_never_stopwords(product):
    assert terms(product)


def test_function_words_are_dropped():
    assert terms("keripik di Malang dan sekitarnya") == ["keripik", "malang", "sekitar"]


def test_a_phrase_indexes_its_words_too():
    indexed = [t.text for t in indonesian_analyzer()("Warung Kopi Pak Di", mode="index")]
    assert {"warung_kopi", "warung", "kopi"} <= set(indexed)
    assert terms("warkop") == ["warung_kopi"]


def test_tokens_keep_their_place_in_the_text():
    tokens = [(t.text, t.startchar, t.endchar)
              for t in indonesian_analyzer()("Oleh-oleh Kripiknya", chars=True, mode="query")]
    assert tokens == [("oleh-oleh", 0, 9), ("keripik", 10, 19)]


def test_plain_analyzer_is_the_core_one():
    assert [t.text for t in plain_analyzer()("Kopi Léak, Rampal-Celaket")] == [
        "kopi", "leak", "rampal", "celaket"]
    assert terms("kripiknya", "plain") == ["kripiknya"]


def test_vocabulary_has_at_least_40_groups_with_multi_word_entries():
    groups = vocabulary.groups()
    assert len(groups) >= 40
    assert any(len(entry) > 1 for group in groups for entry in group)


@pytest.mark.parametrize(("text", "key"), [
    ("keramik dinoyo", "dinoyo"),
    ("kopi Lowokwaru", "lowokwaru"),
    ("keripik tempe sanan", "sanan"),
    ("batik rampal celaket", "rampalcelaket"),
    ("Oro-oro Dowo", "oroorodowo"),
    ("kampung warna-warni", "kampungwarnawarni"),
])
def test_places_are_found_in_the_query(text, key):
    assert [k for k, _, _ in places.find_places(text)] == [key]


def test_a_business_answers_to_every_spelling_of_its_place_and_its_sentra():
    keys = places.document_places("blimbing", "purwantoro").split()
    assert {"blimbing", "purwantoro", "sanan", "kampungsanan"} <= set(keys)
    assert "rampalcelaket" in places.document_places("klojen", "rampalcelaket").split()
