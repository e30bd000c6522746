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
import urllib.parse
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


# -- several machines, each index following the one change log ----------------------------

VISIBLE_WITHIN = 1.0  # seconds: the bound for a write to be found on every machine


class Cluster:
    """gunicorn "machines" (two workers each) on the module's PostgreSQL, own index each."""

    def __init__(self, database, root: Path, token: str):
        self.database, self.root, self.token = database, root, token
        self.servers: dict[str, tuple[subprocess.Popen, str]] = {}

    def start(self, name: str, fresh: bool = False) -> str:
        folder = self.root / name
        if not folder.exists():
            if fresh:
                folder.mkdir()  # an empty index folder: the machine builds from the database
            else:
                self.database.machine_folder(folder)
        env = machine_env(self.database.url, folder, RATELIMIT_ENABLED="false")
        self.servers[name] = start_gunicorn(folder, workers=2, env=env,
                                            probe="/api/v1/categories")
        return self.servers[name][1]

    def stop(self, name: str) -> None:
        stop(self.servers.pop(name)[0])

    def base(self, name: str) -> str:
        return self.servers[name][1]

    def staff(self, name: str, method: str, path: str, body=None, files=None):
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if files:
            data, content_type = multipart(files)
            headers["Content-Type"] = content_type
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(self.base(name) + URL_PREFIX + path, data=data,
                                         method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.load(error)


def multipart(files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----directory-test-boundary"
    parts = []
    for field, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                     f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                     + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def slugs(base: str, q: str) -> list[str]:
    status, _, body = get(f"{base}/api/v1/businesses?q={urllib.parse.quote(q)}&per_page=50")
    assert status == 200, body
    return [item["slug"] for item in body["items"]]


def seconds_until(bases: list[str], check, cap: float = 30.0) -> list[float]:
    """Per base: seconds until `check(base)` held on three answers in a row (both workers
    answer some), polled; `cap` only ends a test that would hang."""
    started, delays = time.monotonic(), []
    for base in bases:
        in_a_row = 0
        while in_a_row < 3:
            assert time.monotonic() - started < cap, f"{base} never caught up"
            if check(base):
                in_a_row += 1
                if in_a_row == 1:
                    first = time.monotonic() - started
            else:
                in_a_row = 0
                time.sleep(0.02)
        delays.append(first)
    return delays


@pytest.fixture(scope="module")
def cluster(database, tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    setup = machine(database.url, root / "setup")
    with setup.app_context():
        token = auth.create_token("cluster")
    close(setup)
    servers = Cluster(database, root, token)
    try:
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(servers.start, ("a", "b", "c")))
        yield servers
    finally:
        for name in list(servers.servers):
            servers.stop(name)


def new_business(n: int) -> dict:
    return {"name": f"Cilok Gajayana {n}", "slug": f"cilok-gajayana-{n}", "category": "kuliner",
            "kelurahan": "Sumbersari", "products": ["cilok", f"cilok rasa {n}"]}


def test_a_staff_write_on_one_machine_is_found_on_every_other_within_a_second(cluster):
    a, b, c = (cluster.base(n) for n in ("a", "b", "c"))
    delays = []
    for n in range(5):
        status, body = cluster.staff("a", "POST", "/businesses", new_business(n))
        assert status == 201, body
        slug = f"cilok-gajayana-{n}"
        delays += seconds_until([b, c], lambda base, slug=slug: slug in slugs(base, "cilok"))
    status, _ = cluster.staff("b", "DELETE", "/businesses/cilok-gajayana-0")
    assert status == 200
    delays += seconds_until([a, c], lambda base: "cilok-gajayana-0" not in slugs(base, "cilok"))
    print(f"\nwrite-to-visible on the other machines: median {sorted(delays)[len(delays) // 2]:.3f}"
          f" s, max {max(delays):.3f} s over {len(delays)}")
    assert sorted(delays)[len(delays) // 2] < VISIBLE_WITHIN, delays


def test_an_import_on_one_machine_is_found_on_every_other(cluster):
    sheet = (b"featured_on,rubric,slug,name,category,district,kelurahan,products\n"
             b"2024-02-02,umkm-of-the-week,tahu-petis-mak-ti,Tahu Petis Mak Ti,kuliner,Klojen,"
             b"Kauman,tahu petis\n"
             b"2024-02-09,umkm-of-the-week,batik-celaket-ayu,Batik Celaket Ayu,fesyen,Klojen,"
             b"Samaan,batik tulis\n")
    status, report = cluster.staff("b", "POST", "/imports", files={"file": ("week.csv", sheet)})
    assert status == 200 and report["new_businesses"] == 2, report
    seconds_until([cluster.base("a"), cluster.base("c")],
                  lambda base: "tahu-petis-mak-ti" in slugs(base, "tahu petis")
                  and "batik-celaket-ayu" in slugs(base, "batik celaket"))


def test_a_machine_stopped_during_writes_catches_up_when_started(cluster):
    cluster.stop("c")
    assert cluster.staff("a", "POST", "/businesses", new_business(10))[0] == 201
    assert cluster.staff("a", "PATCH", "/businesses/rawon-pak-darmo",
                         {"products": ["rawon", "soto daging"]})[0] == 200
    assert cluster.staff("b", "DELETE", "/businesses/cilok-gajayana-1")[0] == 200
    c = cluster.start("c")  # the same index folder, behind the log by three entries
    seconds_until([c], lambda base: "cilok-gajayana-10" in slugs(base, "cilok")
                  and "cilok-gajayana-1" not in slugs(base, "cilok")
                  and slugs(base, "soto daging")[:1] == ["rawon-pak-darmo"])


def test_a_fresh_machine_with_an_empty_index_builds_from_the_database_and_catches_up(cluster):
    d = cluster.start("d", fresh=True)
    try:
        deadline = time.monotonic() + 60
        while True:  # 503 (Retry-After) while it builds, then answers
            status, headers, body = get(d + "/api/v1/businesses?per_page=1")
            if status == 200:
                break
            assert status == 503 and headers["Retry-After"], body
            assert time.monotonic() < deadline, "the fresh machine never built its index"
            time.sleep(0.1)
        _, _, on_a = get(cluster.base("a") + "/api/v1/businesses?per_page=1")
        assert body["total"] == on_a["total"]
        assert cluster.staff("a", "POST", "/businesses", new_business(20))[0] == 201
        seconds_until([d], lambda base: "cilok-gajayana-20" in slugs(base, "cilok"))
    finally:
        cluster.stop("d")


def test_a_reindex_on_one_machine_leaves_the_others_serving(cluster):
    status, job = cluster.staff("a", "POST", "/reindex")
    assert status == 202, job
    assert cluster.staff("c", "POST", "/businesses", new_business(30))[0] == 201
    answers = []
    while job["state"] == "running":
        for name in ("b", "c"):
            status, _, body = get(cluster.base(name) + "/api/v1/businesses?q=keripik")
            answers.append((status, body.get("total")))
        status, job = cluster.staff("b", "GET", f"/jobs/{job['id']}")  # any machine may tell
    assert job["state"] == "done", job
    assert answers and all(s == 200 and total > 0 for s, total in answers), answers
    seconds_until([cluster.base(n) for n in ("a", "b", "c")],
                  lambda base: "cilok-gajayana-30" in slugs(base, "cilok"))
