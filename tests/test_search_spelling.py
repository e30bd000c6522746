"""Typo tolerance stays bounded: long input generates no candidates at all."""

from directory.search import spelling


def test_a_199_letter_word_answers_without_generating_typo_candidates(client, monkeypatch):
    generated = []
    real_edits = spelling.edits
    monkeypatch.setattr(spelling, "edits", lambda word: generated.append(word) or real_edits(word))
    response = client.get("/api/v1/businesses", query_string={"q": "abcdefghij" * 19 + "abcdefghi"})
    assert response.status_code == 200
    assert response.get_json()["total"] == 0
    assert generated == []


def test_many_long_words_answer_without_generating_typo_candidates(client, monkeypatch):
    generated = []
    real_edits = spelling.edits
    monkeypatch.setattr(spelling, "edits", lambda word: generated.append(word) or real_edits(word))
    words = " ".join(f"{letter}" * 30 for letter in "abcdef")
    assert client.get("/api/v1/businesses", query_string={"q": words}).status_code == 200
    assert generated == []


def test_a_typo_in_a_word_of_twenty_letters_or_fewer_is_still_corrected(client):
    answer = client.get("/api/v1/businesses", query_string={"q": "keripikk"}).get_json()
    assert answer["total"] > 0


def test_neighbours_come_from_the_index_words_one_edit_away(app):
    with app.app_context():
        from directory.search import get_index
        reader = get_index()._current_searcher().reader()
        found = dict(spelling.neighbours(reader, "bakos"))
    assert "bakso" in found and found["bakso"] > 0
