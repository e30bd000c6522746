"""The query log: what is counted, what is never kept, and that searching never depends on it."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from directory import auth, querylog
from directory.admin import URL_PREFIX
from directory.models import db
from directory.querylog import QueryDay, SearchDay


def search(client, q, **params):
    response = client.get("/api/v1/businesses", query_string={"q": q, **params})
    assert response.status_code == 200, response.data
    return response.json


def logged(app) -> dict:
    with app.app_context():
        querylog.flush()
        rows = db.session.scalars(select(QueryDay)).all()
        return {(r.query, r.bucket, r.filtered, r.corrected): r.count for r in rows}


@pytest.fixture
def staff(app, client):
    with app.app_context():
        token = auth.create_token("ani")

    def get(path, **params):
        return client.get(URL_PREFIX + path, query_string=params,
                          headers={"Authorization": f"Bearer {token}"})
    return get


@pytest.mark.parametrize(("typed", "counted"), [
    ("  Keripik   TEMPE ", "keripik tempe"),
    ("Kéripik tempé!", "keripik tempe"),
    ("tempe keripik", "tempe keripik"),  # the order typed is kept
    ("oleh-oleh, khas malang", "oleh-oleh khas malang"),
])
def test_queries_are_counted_normalised(typed, counted):
    assert querylog.normalise(typed) == counted


@pytest.mark.parametrize("typed", [
    "0812-3456-7890", "+62 812 3456 7890", "bakso 081234567890", "ani@contoh.id",
    "3573012345678901", "3573 0123 4567 8901",
])
def test_queries_that_may_identify_a_person_are_dropped(app, client, typed):
    search(client, typed)
    assert logged(app) == {}


def test_a_search_counts_its_bucket_filter_and_typo_stage(app, client):
    search(client, "keripik")
    search(client, "keripik", district="blimbing")
    search(client, "keripk")  # one typo: found through the typo stage
    search(client, "vermak celana")
    search(client, "keripik", page=2)  # a next page is not another search
    search(client, "")  # browsing is not a search
    counts = logged(app)
    assert counts == {
        ("keripik", "1-4", False, False): 1,
        ("keripik", "1-4", True, False): 1,
        ("keripk", "1-4", False, True): 1,
        ("vermak celana", "0", False, False): 1,
    }
    with app.app_context():
        day = db.session.get(SearchDay, querylog.today())
        assert (day.searches, day.zero_results, day.filtered, day.corrected) == (4, 1, 1, 1)


def test_counters_reach_the_database_by_themselves_after_the_interval(app, client):
    app.config["QUERY_LOG_FLUSH_SECONDS"] = 0.1
    search(client, "keripik")  # no flush by hand, no further search
    deadline = time.monotonic() + 10
    with app.app_context():
        while time.monotonic() < deadline:
            db.session.rollback()  # a fresh snapshot each time
            if db.session.scalars(select(QueryDay)).first() is not None:
                break
            time.sleep(0.05)
        assert [(r.query, r.count) for r in db.session.scalars(select(QueryDay))] \
            == [("keripik", 1)]


def test_nothing_is_counted_when_logging_is_off(app, client):
    app.config["LOG_QUERIES"] = False
    search(client, "keripik")
    assert logged(app) == {}


def test_a_failing_log_never_fails_a_search(app, client, caplog):
    with app.app_context():
        QueryDay.__table__.drop(db.engine)  # every flush now fails
    app.config["QUERY_LOG_FLUSH_SECONDS"] = 0  # and one is attempted on each search
    for _ in range(3):
        assert search(client, "keripik")["total"] >= 1
    with app.app_context():
        assert querylog.flush() == 0  # kept for later, not raised
    # The searches' own timers flush in threads too: one may hold the counters while the
    # flush above finds none, and log its failure a moment later. Wait for it, bounded.
    deadline = time.monotonic() + 10
    while "counters not written" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "counters not written" in caplog.text


def test_a_failing_counter_never_fails_a_search(app, client, monkeypatch):
    def broken(_):
        raise RuntimeError("boom")
    monkeypatch.setattr(querylog, "normalise", broken)
    assert search(client, "keripik")["total"] >= 1


def test_rare_queries_are_never_listed_and_forgotten_after_their_day(app, client, staff):
    for _ in range(3):
        search(client, "bakso")
    for _ in range(2):
        search(client, "baksoo kuah")  # seen twice: counted, never listed
    report = staff("/searches", days=7).json
    assert [item["query"] for item in report["popular"]] == ["bakso"]
    assert report["totals"]["searches"] == 5

    with app.app_context():  # move today's rows to yesterday, then flush again
        yesterday = querylog.today() - timedelta(days=1)
        db.session.execute(QueryDay.__table__.update().values(day=yesterday))
        db.session.execute(SearchDay.__table__.update().values(day=yesterday))
        db.session.commit()
    search(client, "keripik")
    with app.app_context():
        querylog.flush()
        kept = {r.query for r in db.session.scalars(select(QueryDay).where(
            QueryDay.day == yesterday))}
        assert kept == {"bakso"}  # the rare query's text is gone, its count stays:
        assert db.session.get(SearchDay, yesterday).searches == 5


def test_day_rows_past_retention_are_deleted(app, client):
    app.config["QUERY_LOG_DAYS"] = 30
    with app.app_context():
        old = querylog.today() - timedelta(days=31)
        db.session.add(QueryDay(day=old, query="bakso", bucket="5+", filtered=False,
                                corrected=False, count=9))
        db.session.add(SearchDay(day=old, searches=9, zero_results=0, filtered=0, corrected=0))
        db.session.commit()
    search(client, "keripik")
    with app.app_context():
        querylog.flush()
        assert db.session.get(SearchDay, old) is None
        assert db.session.scalars(select(QueryDay).where(QueryDay.day == old)).all() == []


def test_staff_see_popular_and_zero_result_searches_with_a_try_link(client, staff):
    for _ in range(4):
        search(client, "keripik tempe")
    for _ in range(3):
        search(client, "vermak celana")
    report = staff("/searches", days=30).json
    popular = {item["query"]: item for item in report["popular"]}
    assert popular["keripik tempe"]["searches"] == 4
    assert popular["keripik tempe"]["previous"] == 0
    assert popular["keripik tempe"]["try_url"] == "/?q=keripik+tempe"
    assert [(i["query"], i["searches"]) for i in report["zero_results"]] \
        == [("vermak celana", 3)]
    assert report["min_count"] == 3


def test_unmet_demand_lists_words_no_business_offers(client, staff):
    for _ in range(3):
        search(client, "vermak celana")
    for _ in range(3):
        search(client, "tempe mendoan goreng")  # "tempe" is offered; the others are not
    items = {item["word"]: item for item in staff("/searches/demand", days=30).json["items"]}
    assert {"vermak", "celana", "mendoan"} <= set(items)
    assert "tempe" not in items
    assert items["vermak"]["examples"] == ["vermak celana"]
    assert items["mendoan"]["examples"] == ["tempe mendoan goreng"]

    csv = staff("/searches/demand.csv", days=30)
    assert csv.status_code == 200
    assert csv.mimetype == "text/csv"
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "word,searches,offered_by,examples"
    assert any(line.startswith("vermak,3,0,") for line in lines)


def test_the_search_views_need_a_token(client):
    for path in ("/searches", "/searches/demand", "/searches/demand.csv"):
        assert client.get(URL_PREFIX + path).status_code == 401
