"""Staff's vocabulary additions: parsed, audited, applied at query time in every worker."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from directory import querylog, vocabulary_additions
from directory.admin import URL_PREFIX
from directory.audit import AuditEntry
from directory.models import db
from tests.helpers import assert_error_shape, staff

from .staff_helpers import start_gunicorn, stop


def found(client, q):
    response = client.get("/api/v1/businesses", query_string={"q": q})
    return [item["slug"] for item in response.json["items"]]


@pytest.mark.parametrize(("line", "parsed"), [
    ("vermak, permak, jahit ulang", ("group", None, ["vermak", "permak", "jahit ulang"])),
    ("  Kendi ,VAS,, kendi ", ("group", None, ["kendi", "vas"])),
    ("oleh-oleh > keripik, bakpia", ("narrower", "oleh-oleh", ["keripik", "bakpia"])),
])
def test_lines_are_read_as_staff_write_them(line, parsed):
    assert vocabulary_additions.parse(line) == parsed


@pytest.mark.parametrize(("line", "reason"), [
    ("vermak", "at least two entries"),
    ("a > b > c", "use '>' once"),
    ("oleh-oleh >", "at least one narrower"),
    (", ,", "at least two entries"),
    ("x" * 61 + ", y", "longer than 60"),
    ("!!, ??", "holds no word"),
])
def test_lines_that_are_not_a_group_or_pair_are_refused(line, reason):
    with pytest.raises(vocabulary_additions.InvalidAddition, match=reason):
        vocabulary_additions.parse(line)


def test_a_group_applies_at_once_and_removing_it_undoes_it(client, token):
    assert found(client, "kendi") == []
    response = staff(client, token, "post", "/vocabulary", json={"text": "Kendi, vas"})
    assert response.status_code == 201, response.data
    assert response.json["text"] == "kendi, vas"
    assert found(client, "kendi") == ["keramik-sumber-rejeki"]
    assert "keramik-sumber-rejeki" in found(client, "vas")  # the word itself still works

    items = staff(client, token, "get", "/vocabulary").json["items"]
    assert [i["text"] for i in items] == ["kendi, vas"]
    assert staff(client, token, "delete", f"/vocabulary/{items[0]['id']}").status_code == 204
    assert found(client, "kendi") == []


def test_a_broader_word_finds_its_narrower_entries(client, token):
    staff(client, token, "post", "/vocabulary", json={"text": "prakarya > topeng, keramik"})
    assert set(found(client, "prakarya")) == {
        "topeng-malangan-ki-ageng", "keramik-sumber-rejeki",
        "batik-sekar-arum"}  # "Batik tulis motif topeng malangan"


def test_additions_are_audited(app, client, token):
    added = staff(client, token, "post", "/vocabulary", json={"text": "kendi, vas"}).json
    staff(client, token, "delete", f"/vocabulary/{added['id']}")
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.actor, e.action, e.target) for e in entries[-2:]] == [
            ("ani", "vocabulary.create", "kendi, vas"), ("ani", "vocabulary.delete", "kendi, vas")]


def test_bad_lines_and_unknown_ids_answer_the_error_shape(client, token):
    error = assert_error_shape(
        staff(client, token, "post", "/vocabulary", json={"text": "vermak"}), 422)
    assert "at least two entries" in error["fields"]["text"][0]
    assert_error_shape(staff(client, token, "delete", "/vocabulary/999"), 404)
    assert_error_shape(staff(client, token, "post", "/vocabulary", json={}), 422)
    assert client.get(URL_PREFIX + "/vocabulary").status_code == 401


def test_the_check_lists_zero_result_searches_a_line_would_fix(app, client, token):
    for _ in range(3):
        found(client, "kendi")
        found(client, "gerabah antik")
    with app.app_context():
        querylog.flush()
    check = staff(client, token, "post", "/vocabulary/check?days=7",
                  json={"text": "kendi, vas"}).json
    assert check["kind"] == "group"
    assert check["fixes"] == [{"query": "kendi", "searches": 3, "found": 1}]
    assert staff(client, token, "get", "/vocabulary").json["items"] == []  # nothing saved
    assert found(client, "kendi") == []


def test_an_addition_made_in_one_worker_is_used_by_another(app, client, token, tmp_path):
    other = _app_from_same_files(app, tmp_path)
    other_client = other.test_client()
    assert found(other_client, "kendi") == []  # read (and cached) before the addition
    staff(client, token, "post", "/vocabulary", json={"text": "kendi, vas"})
    assert found(other_client, "kendi") == ["keramik-sumber-rejeki"]
    other.extensions["search"].close()


def _app_from_same_files(app, tmp_path):
    from directory import create_app

    return create_app({key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "RATELIMIT_ENABLED",
        "RATELIMIT_STORAGE_URI")})


def test_every_gunicorn_worker_uses_an_addition_at_once(app, token, tmp_path):
    with app.app_context():
        db.engine.dispose()
    process, base = start_gunicorn(tmp_path, workers=2)
    try:
        def search(q):
            with urllib.request.urlopen(f"{base}/api/v1/businesses?q={q}", timeout=10) as r:
                return [i["slug"] for i in json.load(r)["items"]]

        assert all(search("kendi") == [] for _ in range(6))
        request = urllib.request.Request(
            f"{base}{URL_PREFIX}/vocabulary", method="POST",
            data=json.dumps({"text": "kendi, vas"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
        seen = len((tmp_path / "access.log").read_text().splitlines())
        pids = set()
        # Until both workers have answered; every answer uses it. Four at once: one after
        # the other, an idle worker can win every accept and the other never answers.
        for _ in range(30):
            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(search, ["kendi"] * 4))
            assert answers == [["keramik-sumber-rejeki"]] * 4
            lines = (tmp_path / "access.log").read_text().splitlines()[seen:]
            pids = {line.split()[0] for line in lines if "q=kendi" in line}
            if len(pids) == 2:
                break
        assert len(pids) == 2, "both workers should have answered"
    finally:
        stop(process)


def test_additions_travel_with_the_data_dictionary(client, token):
    staff(client, token, "post", "/vocabulary", json={"text": "oleh-oleh > keripik, bakpia"})
    vocabulary = client.get("/api/v1/export/dictionary").json["search_vocabulary"]
    assert [(a["kind"], a["broader"], a["entries"]) for a in vocabulary["additions"]] == [
        ("narrower", "oleh-oleh", ["keripik", "bakpia"])]
    assert "created_by" not in vocabulary["additions"][0]  # staff names stay internal
