"""A bounded soak on a real gunicorn server (127.0.0.1): public searches, staff writes and
reindexes at once; every answer right, no write lost. Prints the latency it measured.

SOAK_SECONDS sets the length (15 s by default, for `make test`); run it longer by hand:
    SOAK_SECONDS=180 .venv/bin/pytest tests/test_soak.py -s
"""

import json
import os
import random
import string
import threading
import time
import urllib.error
import urllib.request

import pytest

from directory import auth, services
from directory.admin import URL_PREFIX

from .staff_helpers import generate_businesses, start_gunicorn, stop

SECONDS = float(os.environ.get("SOAK_SECONDS", "15"))
QUERIES = ("keripik", "keramik", "kopi+susu", "bakso+malang", "rawon&district=klojen",
           "tempe&category=kuliner", "batik&sort=name", "sambal&year=2022", "kripik",
           "roti&page=2")
KELURAHAN = ("kauman", "sumbersari", "dinoyo", "purwantoro", "bandulan")


def call(url: str, method: str = "GET", body: dict | None = None, headers=None):
    """Return (status, JSON body); a connection failure raises."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Soak:
    """The workload's threads and what they saw."""

    def __init__(self, base: str, headers: dict):
        self.base, self.headers = base, headers
        self.admin = base + URL_PREFIX
        self.stop_at = time.monotonic() + SECONDS
        self.lock = threading.Lock()
        self.latencies: list[float] = []  # public searches, seconds
        self.errors: list[str] = []
        self.written: dict[str, str] = {}  # slug -> the address its last PATCH set
        self.appearances: dict[str, str] = {}  # slug -> featured_on added
        self.reindexes: list[dict] = []

    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    def fail(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def searcher(self, seed: int) -> None:
        rng = random.Random(seed)
        while self.running():
            query = rng.choice(QUERIES)
            path = (f"/api/v1/suggest?q={query[:3]}" if rng.random() < 0.2
                    else f"/api/v1/businesses?q={query}")
            started = time.monotonic()
            try:
                status, body = call(self.base + path)
            except Exception as error:  # no answer at all is an error too
                self.fail(f"{path}: {error!r}")
                continue
            elapsed = time.monotonic() - started
            with self.lock:
                self.latencies.append(elapsed)
            if status != 200:
                self.fail(f"{path}: {status} {str(body)[:200]}")
            elif "businesses" in path and body["total"] and not body["items"] \
                    and "page=2" not in path:
                self.fail(f"{path}: a total of {body['total']} but no items")

    def writer(self, seed: int) -> None:
        rng = random.Random(seed)
        n = 0
        while self.running():
            n += 1
            code = "".join(rng.choices(string.ascii_lowercase, k=8))
            new = {"name": f"Soak {seed} {n} {code}", "category": "kuliner",
                   "kelurahan": rng.choice(KELURAHAN), "products": ["uji " + code]}
            try:
                status, body = call(self.admin + "/businesses", "POST", new, self.headers)
                if status != 201:
                    self.fail(f"create: {status} {body}")
                    continue
                slug, address = body["slug"], f"Jl. Soak {n}"
                status, body = call(f"{self.admin}/businesses/{slug}", "PATCH",
                                    {"address": address}, self.headers)
                if status != 200:
                    self.fail(f"patch {slug}: {status} {body}")
                    continue
                with self.lock:
                    self.written[slug] = address
                day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
                status, body = call(f"{self.admin}/businesses/{slug}/features", "POST",
                                    {"rubric": "umkm-of-the-week", "featured_on": day},
                                    self.headers)
                if status != 201:
                    self.fail(f"feature {slug}: {status} {body}")
                    continue
                with self.lock:
                    self.appearances[slug] = day
            except Exception as error:
                self.fail(f"write: {error!r}")

    def reindexer(self) -> None:
        # Two full rebuilds while the rest runs: one a third of the way in, one at two thirds.
        for fraction in (1 / 3, 2 / 3):
            while self.running() and time.monotonic() < self.stop_at - SECONDS * (1 - fraction):
                time.sleep(0.05)
            status, job = call(self.admin + "/reindex", "POST", headers=self.headers)
            if status != 202:
                self.fail(f"reindex: {status} {job}")
                return
            deadline = time.monotonic() + 120
            while job["state"] == "running" and time.monotonic() < deadline:
                time.sleep(0.1)
                status, job = call(f"{self.admin}/jobs/{job['id']}", headers=self.headers)
            if job["state"] != "done":
                self.fail(f"reindex job: {job}")
            with self.lock:
                self.reindexes.append(job)


@pytest.fixture
def soak_server(app, tmp_path):
    with app.app_context():
        generate_businesses(500)
        services.reindex()
        token = auth.create_token("soak")
    app.extensions["search"].close()
    process, base = start_gunicorn(tmp_path, workers=2)
    try:
        yield base, {"Authorization": f"Bearer {token}"}
    finally:
        stop(process)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def test_soak_searches_staff_writes_and_reindexes_no_error_no_lost_write(
        soak_server, app):
    base, headers = soak_server
    soak = Soak(base, headers)
    threads = [threading.Thread(target=soak.searcher, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=soak.writer, args=(100 + n,)) for n in range(2)]
    threads.append(threading.Thread(target=soak.reindexer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 180)
    assert not any(thread.is_alive() for thread in threads)

    # Every write is there, in the database and in the index every worker reads.
    lost = []
    for slug, address in soak.written.items():
        status, body = call(f"{base}/api/v1/businesses/{slug}")
        if status != 200 or body.get("address") != address or (
                slug in soak.appearances and soak.appearances[slug] not in
                [f["featured_on"] for f in body.get("features", [])]):
            lost.append(f"{slug}: {status} {str(body)[:200]}")
        code = slug.rsplit("-", 1)[-1]
        status, body = call(f"{base}/api/v1/businesses?q={code}")
        if slug not in [item["slug"] for item in body.get("items", [])]:
            lost.append(f"{slug}: not found by searching {code!r}")
    check = app.test_cli_runner().invoke(args=["check-index"])

    p50, p99 = percentile(soak.latencies, 0.50), percentile(soak.latencies, 0.99)
    print(f"\nsoak {SECONDS:.0f} s on gunicorn (2 workers, gthread): {len(soak.latencies)} "
          f"public requests, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max "
          f"{max(soak.latencies) * 1000:.0f} ms; {len(soak.written)} businesses written "
          f"(create + patch + appearance); {len(soak.reindexes)} reindexes of "
          f"{[job['done'] for job in soak.reindexes]} businesses; {len(soak.errors)} errors, "
          f"{len(lost)} lost writes")
    assert soak.errors == []
    assert lost == []
    assert check.exit_code == 0 and "Index and database agree." in check.output, check.output
    assert len(soak.reindexes) == 2 and soak.written and len(soak.latencies) > 10
