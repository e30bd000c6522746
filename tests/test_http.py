"""HTTP for other apps: ETag/304, Cache-Control, CORS, the rate limit (429) and 413."""

import html
import json
import re
import urllib.error
import urllib.request

import pytest

from directory.auth import create_token
from directory.ratelimit_storage import SQLiteStorage
from tests.conftest import make_app
from tests.helpers import assert_error_shape
from tests.staff_helpers import start_gunicorn, stop

PUBLIC = ["/api/v1/businesses", "/api/v1/stats", "/api/v1/categories", "/api/openapi.json"]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_get_has_etag_and_answers_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


@pytest.mark.parametrize("url", PUBLIC)
def test_if_match_that_fails_is_412_in_the_error_shape(client, url):
    current = client.get(url).headers["ETag"]
    failed = client.get(url, headers={"If-Match": '"not-this-version"',
                                      "Origin": "https://news.example"})
    assert_error_shape(failed, 412)
    assert failed.headers["Access-Control-Allow-Origin"] == "*"
    for matching in (current, "*"):  # "*": any current representation matches
        assert client.get(url, headers={"If-Match": matching}).status_code == 200, matching


def test_errors_are_not_cached(client):
    response = client.get("/api/v1/businesses/nobody")
    assert response.status_code == 404
    assert "ETag" not in response.headers and "Cache-Control" not in response.headers


def test_admin_paths_get_no_cache_and_no_cors(app, client):
    with app.app_context():
        token = create_token("ani")
    response = client.get("/api/v1/admin/businesses", headers={
        "Origin": "https://news.example", "Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["total"] > 0
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in response.headers
    refused = client.get("/api/v1/admin/businesses")
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    preflight = client.options("/api/v1/admin/anything",
                               headers={"Origin": "https://news.example",
                                        "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_cors_is_open_for_public_reads(client):
    response = client.get("/api/v1/stats", headers={"Origin": "https://news.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/businesses", headers={
        "Origin": "https://news.example", "Access-Control-Request-Method": "GET"})
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"


def test_cors_origins_can_be_limited(tmp_path):
    app = make_app(tmp_path, CORS_ORIGINS="https://news.example, https://app.example")
    client = app.test_client()
    allowed = client.get("/api/v1/categories", headers={"Origin": "https://app.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/v1/categories", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_rate_limit_answers_429_in_the_error_shape_with_retry_after(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="3 per minute")
    client = app.test_client()
    statuses = [client.get("/api/v1/categories").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get("/api/v1/rubrics")  # one budget over the whole public API
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json["error"]["status"] == 429
    assert limited.json["error"]["code"] == "too_many_requests"
    # Pages and the docs do not count.
    with client.get("/statistik") as page:
        assert page.status_code == 200


def test_exports_have_their_own_smaller_budget(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_EXPORT="1 per hour")
    client = app.test_client()
    with client.get("/api/v1/export/businesses.csv") as response:
        assert response.status_code == 200
    assert client.get("/api/v1/export/businesses.json").status_code == 429
    assert client.get("/api/v1/categories").status_code == 200


def fetch(client, url, **headers):
    """GET `url`, reading a streamed export to its end; return (status, headers, json)."""
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response.status_code, response.headers, response.get_json(silent=True)


def test_exports_advertise_their_own_budget_in_the_rate_limit_headers(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_EXPORT="3 per hour")
    client = app.test_client()
    status, headers, _ = fetch(client, "/api/v1/export/businesses.csv")
    assert status == 200
    assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == ("3", "2")
    status, headers, _ = fetch(client, "/api/v1/export/features.csv")
    assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == ("3", "1")
    assert client.get("/api/v1/categories").headers["X-RateLimit-Limit"] == "300"


def test_revalidations_and_the_dictionary_do_not_spend_the_export_budget(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_EXPORT="2 per hour")
    client = app.test_client()
    status, headers, _ = fetch(client, "/api/v1/export/businesses.csv")
    assert status == 200
    for _ in range(5):
        assert fetch(client, "/api/v1/export/businesses.csv",
                     **{"If-None-Match": headers["ETag"]})[0] == 304
        assert fetch(client, "/api/v1/export/dictionary")[0] == 200
    assert fetch(client, "/api/v1/export/businesses.csv?year=abc")[0] == 422
    status, headers, _ = fetch(client, "/api/v1/export/businesses.json")
    assert (status, headers["X-RateLimit-Remaining"]) == (200, "0")
    assert fetch(client, "/api/v1/export/businesses.ndjson")[0] == 429


@pytest.mark.parametrize(("config", "url", "words"), [
    ({"RATELIMIT_EXPORT": "1 per hour"}, "/api/v1/export/businesses.csv",
     ["Batas unduhan data tercapai: 1 unduhan per jam", "Coba lagi dalam 60 menit",
      "Export limit reached: 1 download per hour", "Try again in 60 minutes"]),
    ({"RATELIMIT_APPLICATION": "1 per minute"}, "/api/v1/categories",
     ["Terlalu banyak permintaan: batasnya 1 per menit", "Coba lagi dalam 60 detik",
      "Too many requests: the limit is 1 per minute", "Try again in 60 seconds"]),
])
def test_the_429_says_which_budget_and_when_to_retry_in_indonesian_and_english(
        tmp_path, config, url, words):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, **config)
    client = app.test_client()
    assert fetch(client, url)[0] == 200
    status, headers, body = fetch(client, url)
    assert status == 429 and int(headers["Retry-After"]) > 0
    message = body["error"]["message"]
    for expected in words:
        # The window may have ticked a second meanwhile: 59 or 61 seconds are 60 too.
        assert expected in re.sub(r"\b(59|61) (detik|seconds)", r"60 \2", message), message


def test_the_default_export_budget_covers_every_file_the_pages_link_twice(tmp_path):
    # A journalist takes every file the Statistik page links (its own links, and the CSV of
    # each kecamatan and category its tables link) and the footer's, then all of them again
    # within the hour (a file opened in the wrong program, a colleague's copy).
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    pages = ""
    for page in ("/statistik", "/"):
        with client.get(page) as response:  # a file sent from disk: close it
            pages += response.get_data(as_text=True)
    links = [html.unescape(href) for href in re.findall(r'href="(/api/v1/export/[^"]+)"', pages)]
    stats = client.get("/api/v1/stats").json  # the tables' links, as stats.js builds them
    links += [f"/api/v1/export/businesses.csv?district={k['slug']}&bom=1&delimiter=semicolon"
              for k in stats["by_kecamatan"]]
    links += [f"/api/v1/export/businesses.csv?category={c['slug']}&bom=1&delimiter=semicolon"
              for c in stats["by_category"]]
    assert len(links) >= 20
    statuses = [fetch(client, link)[0] for _ in range(2) for link in links]
    assert statuses == [200] * len(statuses)


def test_rate_limit_counts_are_shared_between_worker_processes(tmp_path):
    # Two storages on one file stand for two gunicorn workers.
    uri = f"sqlite:///{tmp_path / 'limits.sqlite3'}"
    first, second = SQLiteStorage(uri), SQLiteStorage(uri)
    assert first.incr("client", 60) == 1
    assert second.incr("client", 60) == 2
    assert first.get("client") == 2
    assert second.get_expiry("client") > 0
    second.clear("client")
    assert first.get("client") == 0
    assert first.check()


def test_an_expired_window_starts_again(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'limits.sqlite3'}")
    storage.incr("client", 60, amount=5)
    storage._connection().execute("UPDATE counters SET expires_at = 0")
    assert storage.get("client") == 0
    assert storage.incr("client", 60) == 1


def test_request_body_over_the_cap_is_413_json(tmp_path):
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=100)
    response = app.test_client().post("/api/v1/businesses", data=b"x" * 1000)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"


@pytest.mark.parametrize("path", ["/api/v1/businesses?q=", "/api/v1/export/businesses.csv?q=",
                                  "/b/"])
def test_an_overlong_url_is_414_in_the_error_shape(client, path):
    assert_error_shape(client.get(path + "a" * 5000), 414)
    assert client.get(path + "a" * 100).status_code in (200, 404, 422)


def test_gunicorn_lets_the_app_answer_an_overlong_url_in_json(app, tmp_path):
    # gunicorn's own limit (4094 bytes by default) answers in HTML before the app runs.
    app.extensions["search"].close()
    process, base = start_gunicorn(tmp_path, workers=1)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/api/v1/businesses?q={'a' * 6000}", timeout=10)
        assert refused.value.code == 414
        assert refused.value.headers["Content-Type"] == "application/json"
        error = json.loads(refused.value.read())["error"]
        assert error["status"] == 414 and error["code"] == "request_uri_too_long"
    finally:
        stop(process)
