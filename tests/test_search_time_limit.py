"""The search time limit: a search that runs out of time answers with the hits found so far.

Past its budget a search still fills the page it was asked for (an empty page under "862
found" would be wrong), then stops: the page holds the first hits reached, not the best.
"""

import logging
import time

import pytest

from directory import services
from directory.search import whoosh_index
from tests.staff_helpers import generate_businesses

URL = "/api/v1/businesses?q=keripik&per_page=100"


class SlowClock:
    """time.monotonic as a search on a slow machine sees it: `step` seconds pass per read."""

    def __init__(self, step: float):
        self.step, self.now = step, time.monotonic()

    def monotonic(self) -> float:
        self.now += self.step
        return self.now

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture
def many(app):
    """Hundreds of businesses that mention keripik: more than a page of hits to collect."""
    with app.app_context():
        generate_businesses(600)
        services.reindex()
    return app.test_client()


def test_a_search_over_its_time_limit_answers_the_hits_found_so_far(many, monkeypatch, caplog):
    full = many.get(URL).json
    assert full["total"] > 100 and len(full["items"]) == 100
    monkeypatch.setattr(whoosh_index, "time", SlowClock(0.0001))  # 8000 reads of budget
    with caplog.at_level(logging.WARNING, logger=whoosh_index.__name__):
        assert many.get(URL).json == full  # within the limit: the whole answer
    assert "time limit" not in caplog.text

    # 0.8 s of budget, 20 ms a clock read (the collector reads it at every hit).
    monkeypatch.setattr(whoosh_index, "time", SlowClock(0.02))
    with caplog.at_level(logging.WARNING, logger=whoosh_index.__name__):
        response = many.get(URL)
    assert response.status_code == 200
    partial = response.json
    reached = [item["slug"] for item in partial["items"]]
    best = [item["slug"] for item in full["items"]]
    print(f"\n{len(set(reached) & set(best))} of the page's {len(reached)} hits among the best")
    assert len(reached) == 100  # the page is filled
    assert reached != best  # by the first hits reached: the scan stopped before the end
    assert partial["total"] == full["total"]  # counted apart from the collection
    assert all(item["highlights"]["name"] or item["highlights"]["products"]
               for item in partial["items"])  # hits for keripik, whichever were reached
    assert "stopped at its time limit" in caplog.text
