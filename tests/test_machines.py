"""Several machines on one PostgreSQL: rate limits counted in one Redis, jobs read alike.

Each "machine" is an app with its own instance and index folder; they share only the
database (a real PostgreSQL) and, for the limits, a real redis-server, both started here.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from directory import auth, create_app, services
from directory.admin import URL_PREFIX
from directory.models import db
from tests.helpers import assert_error_shape
from tests.postgres import postgres_server
from tests.redis_server import redis_server
from tests.staff_helpers import ROOT, start_gunicorn, stop

DATA = Path(__file__).parent / "data"
HEARTBEAT, INTERRUPTED_AFTER = 0.2, 1.5  # seconds; the defaults are 5 and 30


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A PostgreSQL holding tests/data/businesses.csv, set up through a first machine."""
    with postgres_server() as url:
        folder = tmp_path_factory.mktemp("setup")
        setup = machine(url, folder)
        runner = setup.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        assert runner.invoke(args=["import", str(DATA / "businesses.csv")]).exit_code == 0
        close(setup)
        yield Shared(url, folder / "index")


class Shared:
    """The database's URL, and an index of it each machine copies into its own folder."""

    def __init__(self, url: str, index: Path):
        self.url, self.index = url, index

    def machine_folder(self, folder: Path) -> Path:
        """Give a machine its own index folder, as built from the database (faster: copied)."""
        folder.mkdir()
        shutil.copytree(self.index, folder / "index", symlinks=True)
        return folder


def machine(url: str, folder: Path, **config):
    """An app as one machine runs it: the shared database, its own index folder."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                       "SEARCH_INDEX_DIR": str(folder / "index"), "RATELIMIT_ENABLED": False,
                       "PHOTO_DIR": str(folder / "photos"),
                       "DRAFT_PHOTO_DIR": str(folder / "drafts"),
                       "RATELIMIT_STORAGE_URI": f"sqlite:///{folder / 'ratelimit.sqlite3'}",
                       "JOB_HEARTBEAT_SECONDS": HEARTBEAT,
                       "JOB_INTERRUPTED_AFTER_SECONDS": INTERRUPTED_AFTER, **config})


def close(app) -> None:
    app.extensions["search"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def machine_env(url: str, folder: Path, **settings) -> dict:
    """The environment of a gunicorn "machine": own instance and index, shared database."""
    env = {**os.environ, "DIRECTORY_INSTANCE_PATH": str(folder / "instance"),
           "DIRECTORY_SQLALCHEMY_DATABASE_URI": url,
           "DIRECTORY_SEARCH_INDEX_DIR": str(folder / "index")}
    env.update({f"DIRECTORY_{key}": value for key, value in settings.items()})
    return env


def get(url: str):
    """GET `url`; return (status, headers, json body), whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, json.load(error)


# -- rate limits in Redis ---------------------------------------------------------------

def test_two_servers_count_one_clients_requests_together_in_redis(database, tmp_path):
    with redis_server() as redis_url:
        def start(name: str):
            folder = database.machine_folder(tmp_path / name)
            env = machine_env(database.url, folder, RATELIMIT_ENABLED="true",
                              RATELIMIT_STORAGE_URI=redis_url,
                              RATELIMIT_APPLICATION="6 per minute")
            # The probe is a page: pages do not spend the API's budget.
            return start_gunicorn(folder, workers=1, env=env, probe="/")

        with ThreadPoolExecutor(2) as pool:  # both start at once: half the wait
            starting = [pool.submit(start, name) for name in ("a", "b")]
        servers = [future.result() for future in starting if future.exception() is None]
        try:
            if len(servers) < 2:
                raise next(f.exception() for f in starting if f.exception() is not None)
            (_, a), (_, b) = servers
            urls = ["/api/v1/categories", "/api/v1/businesses?q=rawon"]
            for n in range(6):  # a, b, a, b, ...: three each, six together
                status, headers, body = get([a, b][n % 2] + urls[n % 2])
                assert status == 200, body
                assert (headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == (
                    "6", str(5 - n))
                if n % 2:  # each server answers from its own index
                    assert [i["slug"] for i in body["items"]] == ["rawon-pak-darmo"]
            for base in (a, b):  # the seventh request is over the budget on either server
                status, headers, body = get(base + "/api/v1/categories")
                assert status == 429 and int(headers["Retry-After"]) > 0
                assert body["error"]["code"] == "too_many_requests"
            keys = redis.Redis.from_url(redis_url).keys("*")
            assert keys, "the counters are not in Redis"
        finally:
            for process, _ in servers:
                stop(process)


def test_the_limit_answers_429_in_the_error_shape_from_a_redis_storage(tmp_path):
    with redis_server() as redis_url:
        from tests.conftest import make_app

        app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url,
                       RATELIMIT_APPLICATION="2 per minute")
        client = app.test_client()
        assert [client.get("/api/v1/rubrics").status_code for _ in range(2)] == [200, 200]
        assert_error_shape(client.get("/api/v1/rubrics"), 429)
        app.extensions["search"].close()


def test_an_unreachable_redis_still_limits_and_never_answers_500(tmp_path):
    from tests.conftest import make_app
    from tests.staff_helpers import free_port

    app = make_app(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_APPLICATION="2 per minute",
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}")  # nobody there
    client = app.test_client()
    assert [client.get("/api/v1/rubrics").status_code for _ in range(2)] == [200, 200]
    assert_error_shape(client.get("/api/v1/rubrics"), 429)  # counted in the process meanwhile
    app.extensions["search"].close()


# -- reindex jobs, read from any machine ------------------------------------------------

@pytest.fixture
def machines(database, tmp_path):
    """Two machines on the database, each with its built index and a staff client."""
    apps = [machine(database.url, database.machine_folder(tmp_path / name))
            for name in ("a", "b")]
    with apps[0].app_context():
        token = auth.create_token(f"staff-{tmp_path.name}"[:60])
    yield [Staff(app, token) for app in apps]
    for app in apps:
        close(app)


class Staff:
    """A test client of one machine sending the staff token."""

    def __init__(self, app, token: str):
        self.app, self.client, self.token = app, app.test_client(), token

    def __call__(self, method: str, path: str):
        return self.client.open(URL_PREFIX + path, method=method,
                                headers={"Authorization": f"Bearer {self.token}"})

    def job(self, job_id: int) -> dict:
        response = self("GET", f"/jobs/{job_id}")
        assert response.status_code == 200, response.json
        return response.json


def test_a_job_running_on_one_machine_reads_as_running_on_another(machines, monkeypatch):
    a, b = machines
    release = threading.Event()
    reindex = services.reindex

    def held_reindex(**kwargs):  # the build waits until the test has looked
        assert release.wait(30)
        return reindex(**kwargs)

    monkeypatch.setattr(services, "reindex", held_reindex)
    started = a("POST", "/reindex")
    assert started.status_code == 202
    job_id = started.json["id"]
    try:
        first = b.job(job_id)  # b's own build lock is free: that says nothing about a's job
        assert first["state"] == "running" and first["error"] is None
        time.sleep(INTERRUPTED_AFTER + 0.5)  # longer than a silence that means "interrupted"
        assert b.job(job_id)["state"] == "running"  # a's heartbeat keeps it alive
    finally:
        release.set()
    deadline = time.monotonic() + 30
    while b.job(job_id)["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    on_b, on_a = b.job(job_id), a.job(job_id)
    assert (on_b["state"], on_b["progress"], on_b["done"], on_b["error"]) == ("done", 1.0, 11,
                                                                               None)
    assert on_a == on_b


JOB_IN_A_PROCESS = """
import sys, time
from directory import create_app, jobs, services
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SEARCH_INDEX_DIR": sys.argv[2],
                  "JOB_HEARTBEAT_SECONDS": float(sys.argv[3])})
services.reindex = lambda **kwargs: time.sleep(3600)  # a build that outlives its process
with app.test_request_context():
    print(jobs.start_reindex().id, flush=True)
time.sleep(3600)
"""


def test_a_job_whose_process_was_killed_reads_as_interrupted_on_every_machine(
        database, machines, tmp_path):
    a, b = machines
    process = subprocess.Popen(
        [sys.executable, "-c", JOB_IN_A_PROCESS, database.url, str(tmp_path / "c-index"),
         str(HEARTBEAT)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "DIRECTORY_INSTANCE_PATH": str(tmp_path / "c-instance")})
    try:
        job_id = int(process.stdout.readline() or 0)
        assert job_id, process.stderr.read().decode()
        time.sleep(INTERRUPTED_AFTER + 0.5)
        assert a.job(job_id)["state"] == b.job(job_id)["state"] == "running"  # it beats
        os.kill(process.pid, signal.SIGKILL)
        killed = time.monotonic()
        while b.job(job_id)["state"] == "running":
            assert time.monotonic() - killed < INTERRUPTED_AFTER + 5, "never interrupted"
            time.sleep(0.05)
        noticed = time.monotonic() - killed
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()
    on_b, on_a = b.job(job_id), a.job(job_id)
    assert on_b["state"] == "failed" and on_b["error"].startswith("interrupted")
    assert on_a == on_b
    # Silent for INTERRUPTED_AFTER seconds after its last beat: between that and one beat more.
    assert INTERRUPTED_AFTER - HEARTBEAT - 0.1 <= noticed <= INTERRUPTED_AFTER + 1.0
