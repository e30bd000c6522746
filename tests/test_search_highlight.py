"""Highlights as character ranges and description snippets."""

from directory.search.highlight import ELLIPSIS, ranges, snippet


def test_ranges_cover_variants_stems_and_exact_words():
    text = "Kripiknya enak, keripik tempe Sanan"
    marks = ranges(text, {"keripik"}, set(), "indonesian")
    assert [text[s:e] for s, e in marks] == ["Kripiknya", "keripik"]


def test_ranges_of_a_phrase_cover_its_words():
    text = "Es krim dan ice cream"
    assert [text[s:e] for s, e in ranges(text, {"es_krim"}, set(), "indonesian")] == [
        "Es krim", "ice cream"]


def test_exact_words_are_marked_with_the_plain_analyzer():
    assert ranges("Bakso Cak Man", set(), {"bakso"}, "plain") == [[0, 5]]


def test_short_description_is_its_own_snippet():
    assert snippet("Bakso enak.", [[0, 5]]) == {"text": "Bakso enak.", "ranges": [[0, 5]]}


def test_long_description_is_cut_around_the_first_match():
    text = "Lorem ipsum dolor sit amet " * 10 + "keripik tempe " + "sit amet " * 30
    start = text.index("keripik")
    cut = snippet(text, [[start, start + 7]])
    assert cut["text"].startswith(ELLIPSIS) and cut["text"].endswith(ELLIPSIS)
    (s, e), = cut["ranges"]
    assert cut["text"][s:e] == "keripik"
    assert len(cut["text"]) <= 170


def test_no_match_no_snippet():
    assert snippet("Bakso enak.", []) is None
