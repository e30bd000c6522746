"""The rate limit as clients see it: X-RateLimit-* headers, and whose address is counted."""

import time

from directory.auth import create_token
from tests.conftest import make_app


def limit_headers(response) -> tuple[str, str, int]:
    return (response.headers["X-RateLimit-Limit"], response.headers["X-RateLimit-Remaining"],
            int(response.headers["X-RateLimit-Reset"]))


def test_public_answers_say_the_budget_left_and_when_it_resets(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="3 per minute")
    client = app.test_client()
    started = time.time()
    answers = [client.get(url, headers={"Origin": "https://news.example"})
               for url in ("/api/v1/categories", "/api/v1/stats", "/api/v1/businesses?q=tempe")]
    assert [limit_headers(r)[:2] for r in answers] == [("3", "2"), ("3", "1"), ("3", "0")]
    resets = {limit_headers(r)[2] for r in answers}
    assert len(resets) == 1 and started < resets.pop() <= started + 61  # one window, a minute
    exposed = answers[0].headers["Access-Control-Expose-Headers"]
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= {
        h.strip() for h in exposed.split(",")}  # readable by other sites' scripts
    refused = client.get("/api/v1/rubrics")
    assert refused.status_code == 429
    assert limit_headers(refused)[:2] == ("3", "0")


def test_staff_answers_spend_no_budget_and_say_none(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="1 per minute")
    with app.app_context():
        token = create_token("ani")
    client = app.test_client()
    for _ in range(3):
        staff = client.get("/api/v1/admin/me", headers={"Authorization": f"Bearer {token}"})
        assert staff.status_code == 200
        assert "X-RateLimit-Limit" not in staff.headers
    assert limit_headers(client.get("/api/v1/categories"))[:2] == ("1", "0")


def forwarded_for(client, address: str):
    return client.get("/api/v1/categories", headers={"X-Forwarded-For": address})


def test_behind_a_proxy_each_forwarded_client_has_its_own_budget(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="2 per minute",
                   PROXY_FIX_X_FOR=1)
    client = app.test_client()
    assert [forwarded_for(client, "203.0.113.5").status_code for _ in range(3)] == [200, 200, 429]
    # Another citizen behind the same proxy (the same REMOTE_ADDR) is not refused.
    other = forwarded_for(client, "203.0.113.6")
    assert other.status_code == 200 and limit_headers(other)[1] == "1"
    # Only the hop the proxy added counts: a client's own X-Forwarded-For does not escape.
    spoofed = forwarded_for(client, "198.51.100.1, 203.0.113.5")
    assert spoofed.status_code == 429


def test_without_a_proxy_x_forwarded_for_is_ignored(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="2 per minute")
    client = app.test_client()
    statuses = [forwarded_for(client, f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]  # one budget: a made-up header buys no more requests
