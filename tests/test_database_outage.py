"""The database unreachable for a few seconds: 503 with Retry-After, then back by itself.

A real PostgreSQL, started by the test, is stopped under a running app and started again.
"""

import time
from pathlib import Path

import pytest

from directory import auth, create_app
from directory.admin import URL_PREFIX
from directory.models import db
from tests.helpers import assert_error_shape
from tests.postgres import postgres_instance

DATA = Path(__file__).parent / "data"
URLS = ["/api/v1/businesses?q=rawon", "/api/v1/businesses/rawon-pak-darmo", "/api/v1/stats",
        "/api/v1/categories", "/b/rawon-pak-darmo"]


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    """A server, and an app that has served from it (its pool holds open connections)."""
    tmp_path = tmp_path_factory.mktemp("outage")
    with postgres_instance() as server:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": server.url,
                          "SEARCH_INDEX_DIR": str(tmp_path / "index"),
                          "PHOTO_DIR": str(tmp_path / "photos"),
                          "DRAFT_PHOTO_DIR": str(tmp_path / "drafts"),
                          "RATELIMIT_ENABLED": False,
                          "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}",
                          "DATABASE_RETRY_AFTER": 7})
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        assert runner.invoke(args=["import", str(DATA / "businesses.csv")]).exit_code == 0
        with app.app_context():
            token = auth.create_token("ani")
        yield server, app, token
        app.extensions["search"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_requests_answer_503_while_the_database_is_down_and_200_once_it_is_back(outage):
    server, app, token = outage
    client = app.test_client()
    staff = {"Authorization": f"Bearer {token}"}
    for url in URLS:
        assert client.get(url).status_code == 200, url
    assert client.get(URL_PREFIX + "/jobs", headers=staff).status_code == 200

    server.stop()
    for url in URLS:
        began = time.monotonic()
        response = client.get(url)
        assert time.monotonic() - began < 5, f"{url} waited for the database"
        error = assert_error_shape(response, 503)
        assert response.headers["Retry-After"] == "7"
        assert "database" in error["message"]
    response = client.patch(URL_PREFIX + "/businesses/rawon-pak-darmo", headers=staff,
                            json={"name": "Rawon Pak Darmo Baru"})
    assert_error_shape(response, 503)

    server.start()
    began = time.monotonic()
    # No request fails once the server is up again: stale pooled connections are replaced.
    for url in URLS:
        assert client.get(url).status_code == 200, url
    assert time.monotonic() - began < 10
    body = client.get("/api/v1/businesses/rawon-pak-darmo").get_json()
    assert body["name"] == "Rawon Pak Darmo"  # the refused write changed nothing
    assert client.get(URL_PREFIX + "/jobs", headers=staff).status_code == 200


def test_a_database_restarted_while_the_app_was_idle_costs_no_failed_request(outage):
    server, app, _ = outage
    client = app.test_client()
    assert client.get("/api/v1/businesses/rawon-pak-darmo").status_code == 200
    server.stop()  # the pooled connections die unseen: no request meets the outage
    server.start()
    for url in URLS:
        assert client.get(url).status_code == 200, url
