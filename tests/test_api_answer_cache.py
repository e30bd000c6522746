"""The answer cache of GET /businesses: served while current, fresh after any change."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from directory import auth, querylog, services, vocabulary_additions
from directory.admin import URL_PREFIX
from directory.api.answer_cache import AnswerCache, Entry
from directory.hours import WIB
from directory.models import Business, db
from tests.test_where_when import PLACES, _csv

SEARCH = "/api/v1/businesses"


@pytest.fixture
def loads(monkeypatch):
    """Count the searches that made an answer (loaded their rows) instead of serving one."""
    made = []
    real = services.businesses_by_ids

    def counting(ids):
        made.append(list(ids))
        return real(ids)

    monkeypatch.setattr(services, "businesses_by_ids", counting)
    return made


def test_a_repeated_search_is_served_from_the_cache_with_the_same_body_and_etag(client, loads):
    first = client.get(SEARCH + "?q=keripik")
    second = client.get(SEARCH + "?q=keripik")
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert len(loads) == 1
    assert second.headers["Cache-Control"] == "public, max-age=60"  # clock-dependent
    assert second.content_type == "application/json"


def test_a_served_answer_still_answers_304_to_its_etag(client, loads):
    etag = client.get(SEARCH + "?q=keripik").headers["ETag"]
    again = client.get(SEARCH + "?q=keripik", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag and not again.data
    assert len(loads) == 1


def test_parameters_in_another_order_find_the_same_entry(client, loads):
    first = client.get(SEARCH + "?q=keripik&district=blimbing&per_page=5")
    second = client.get(SEARCH + "?per_page=5&district=blimbing&q=keripik")
    assert second.json["items"] == first.json["items"] and second.json["total"]
    assert len(loads) == 1
    client.get(SEARCH + "?q=keripik&district=blimbing&per_page=6")  # another request
    assert len(loads) == 2


def test_a_staff_write_makes_the_next_search_fresh(app, client, loads):
    with app.app_context():
        token = auth.create_token("ani")
    assert client.get(SEARCH + "?q=rawon").json["items"][0]["name"] == "Rawon Pak Darmo"
    response = client.patch(f"{URL_PREFIX}/businesses/rawon-pak-darmo",
                            json={"name": "Rawon Pak Darmo Asli"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert client.get(SEARCH + "?q=rawon").json["items"][0]["name"] == "Rawon Pak Darmo Asli"
    assert len(loads) == 2


def test_a_database_write_the_index_does_not_see_makes_the_next_search_fresh(app, client,
                                                                            loads):
    """The address (only in the card's directions link) changed: the change log says so."""
    before = client.get(SEARCH + "?q=rawon").json["items"][0]
    with app.app_context():
        business = db.session.scalars(select(Business).where(
            Business.slug == "rawon-pak-darmo")).one()
        business.address = "Jl. Kauman 5"
        db.session.commit()
    after = client.get(SEARCH + "?q=rawon").json["items"][0]
    assert after["directions_url"] != before["directions_url"]
    assert "Kauman+5" in after["directions_url"] or "Kauman%205" in after["directions_url"]
    assert len(loads) == 2


def test_a_vocabulary_addition_makes_the_next_search_fresh(app, client):
    assert client.get(SEARCH + "?q=vermak").json["total"] == 0
    with app.app_context():
        vocabulary_additions.add("vermak, rawon")
    assert client.get(SEARCH + "?q=vermak").json["total"] > 0


def test_a_served_answer_is_counted_in_the_query_log(app, client, loads):
    for _ in range(3):
        assert client.get(SEARCH + "?q=keripik").status_code == 200
    assert len(loads) == 1
    with app.app_context():
        querylog.flush()
        assert querylog.totals(querylog.today(), querylog.today())["searches"] == 3


def test_rate_limit_headers_and_budget_hold_for_served_answers(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="3 per minute")
    client = app.test_client()
    answers = [client.get(SEARCH + "?q=kopi") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]


@pytest.fixture
def clock(empty_app, monkeypatch):
    """The places of test_where_when with a clock the test moves (WIB)."""
    now = [datetime(2026, 11, 27, 16, 59, 5, tzinfo=WIB)]  # a Friday, two shops about to close
    monkeypatch.setattr("directory.hours.now_wib", lambda: now[0])
    with empty_app.app_context():
        report = services.import_bytes(_csv(PLACES), "tempat.csv")
    assert not report.errors, report.errors
    return now


def test_an_open_now_answer_is_not_served_past_its_time_bucket(empty_app, clock, loads):
    client = empty_app.test_client()

    def open_now() -> list[str]:
        return sorted(item["slug"] for item in client.get(SEARCH + "?open_now=1").json["items"])

    assert open_now() == ["dekat", "jauh", "tanpa-titik"]  # dekat closes at 17.00
    clock[0] += timedelta(seconds=50)  # 16:59:55, the same minute: served
    assert open_now() == ["dekat", "jauh", "tanpa-titik"] and len(loads) == 1
    clock[0] += timedelta(seconds=10)  # 17:00:05: a new bucket, the answer is made again
    assert open_now() == ["jauh", "tanpa-titik"] and len(loads) == 2


def test_the_cache_is_bounded_in_entries_and_bytes():
    def entry(size: int) -> Entry:
        return Entry(request=None, page=None, version=(), bucket=0, body=b"x" * size, etag="e")

    cache = AnswerCache(entries=2, max_bytes=100)
    for key in "abc":
        cache.put(key, entry(10))
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") is not None
    cache.put("big", entry(95))  # pushes the others out by size
    assert cache.get("b") is None and cache.get("c") is None and cache.get("big")
    cache.put("huge", entry(101))  # larger than the whole cache: never kept
    assert cache.get("huge") is None and cache.get("big")


@pytest.mark.parametrize("setting", [{"HTTP_ANSWER_CACHE_ENTRIES": 0},
                                     {"HTTP_CACHE_CLOCK_MAX_AGE": 0}])
def test_no_cache_when_it_is_switched_off_or_answers_may_not_be_kept(tmp_path, setting, loads):
    from tests.conftest import make_app

    app = make_app(tmp_path, **setting)
    client = app.test_client()
    assert [client.get(SEARCH + "?q=kopi").status_code for _ in range(2)] == [200, 200]
    assert "answer_cache" not in app.extensions and len(loads) == 2
