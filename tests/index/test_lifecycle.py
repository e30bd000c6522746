"""The index never lies and never goes dark: after-commit writes, busy writers, rebuilds that
catch up with the change log, crashed builds, sweeping, check-index, several processes."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select
from whoosh import index as whoosh_index

from directory import auth, follow, services
from directory.admin import URL_PREFIX
from directory.models import Business, db
from directory.search.releases import BUILDING, READY, RETIRED, Releases

from ..staff_helpers import ROOT, app_env, generate_businesses, start_gunicorn, stop

DATA = Path(__file__).parent.parent / "data"
NEW = {"name": "Cilok Gajayana", "category": "kuliner", "kelurahan": "Sumbersari",
       "products": ["cilok", "cilok kuah"]}


def found(client, q: str) -> list[str]:
    return [item["slug"] for item in client.get(f"/api/v1/businesses?q={q}").json["items"]]


@pytest.fixture
def headers(app):
    with app.app_context():
        return {"Authorization": f"Bearer {auth.create_token('ani')}"}


def test_a_rolled_back_write_leaves_no_ghost_document(app, client, headers, monkeypatch):
    def fail():
        raise RuntimeError("disk full")
    monkeypatch.setattr(db.session, "commit", fail)
    response = client.post(URL_PREFIX + "/businesses", json=NEW, headers=headers)
    assert response.status_code == 500 and response.json["error"]["status"] == 500
    monkeypatch.undo()
    assert found(client, "cilok") == []
    with app.app_context():
        assert app.extensions["search"].stored_fields().keys() == {
            b.id for b in db.session.scalars(select(Business))}


def test_a_busy_index_never_refuses_nor_loses_a_write_and_applies_it_once_free(
        app, client, headers):
    index = app.extensions["search"]
    index.write_timeout = 0.2
    ix = whoosh_index.open_dir(index.releases.path(index.release_id()))
    other = ix.writer()  # another writer holds Whoosh's lock
    try:
        response = client.post(URL_PREFIX + "/businesses", json=NEW, headers=headers)
        assert response.status_code == 201  # committed with its change-log entry
        assert found(client, "keripik")  # searches answer from what the index holds
        assert found(client, "cilok") == []
        assert os.path.exists(os.path.join(index.releases.path(index.release_id()),
                                           "MAIN_WRITELOCK"))  # never deleted
    finally:
        other.cancel()
        ix.close()
    assert found(client, "cilok") == ["cilok-gajayana"]  # the next search applies the log


def test_writes_landing_during_a_rebuild_are_applied_after_the_switch(app, client, headers):
    calls = []

    def write_meanwhile(_step):
        # Runs inside the build, after the builder read its rows: these writes miss it.
        if calls:
            return
        calls.append(1)
        assert client.post(URL_PREFIX + "/businesses", json=NEW, headers=headers).status_code == 201
        client.patch(URL_PREFIX + "/businesses/rawon-pak-darmo", json={"name": "Rawon Setan"},
                     headers=headers)
        client.delete(URL_PREFIX + "/businesses/bakso-cak-man", headers=headers)
        assert found(client, "cilok") == ["cilok-gajayana"]  # live meanwhile too

    with app.app_context():
        before = app.extensions["search"].release_id()
        assert services.reindex(progress=write_meanwhile) == 11
        assert app.extensions["search"].release_id() != before
    assert found(client, "cilok") == ["cilok-gajayana"]
    assert found(client, "setan") == ["rawon-pak-darmo"]
    assert found(client, "bakso") == []
    with app.app_context():
        from directory import index_health
        assert index_health.check().ok


def test_a_write_in_another_process_is_found_by_a_warm_searcher_at_once(app, client, tmp_path):
    assert found(client, "cilok") == []  # this process's searcher is open and cached
    script = ("import time\nfrom directory import create_app, staff\n"
              "app = create_app()\nwith app.app_context():\n"
              "    staff.create_business({'name': 'Cilok Gajayana', 'category_slug': 'kuliner',"
              " 'kelurahan_slug': 'sumbersari', 'products': ['cilok']})\n"
              "print(time.time())\n")
    done = subprocess.run([sys.executable, "-c", script], env=app_env(tmp_path), cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True)
    assert found(client, "cilok") == ["cilok-gajayana"]  # first search after the write
    latency = time.time() - float(done.stdout.split()[-1])
    print(f"\ncross-process visibility: found on the first search, {latency * 1000:.0f} ms "
          "after the writer process committed (includes its exit)")


def test_sweep_removes_crashed_builds_and_retired_releases_after_grace(tmp_path):
    releases = Releases(str(tmp_path / "index"))
    crashed = releases.start()  # BUILDING, nobody holds the lock: a dead builder
    old, live = releases.start(), releases.start()
    releases.switch_to(old)
    releases.switch_to(live)
    assert os.path.exists(os.path.join(releases.path(old), RETIRED))
    assert releases.sweep(grace=60) == [crashed]
    lock = releases.lock()
    assert lock.acquire()
    try:  # a build running now is left alone by a sweeper that does not hold the lock
        building = releases.start()
        assert releases.sweep(grace=60) == []
        assert os.path.exists(os.path.join(releases.path(building), BUILDING))
    finally:
        lock.release()
    assert sorted(releases.sweep(grace=0)) == sorted([old, building])
    assert os.listdir(releases.dir) == [live]
    assert os.path.exists(os.path.join(releases.path(live), READY))


def test_check_index_reports_and_repairs_differences(app, runner):
    with app.app_context():
        index = app.extensions["search"]
        rawon = db.session.scalars(select(Business).where(Business.slug == "rawon-pak-darmo")).one()
        rawon.name = "Rawon Baru"  # changed without indexing
        db.session.commit()
        with index.applying() as applier:  # lost from the index
            applier.write(applier.position, [], [1])
    result = runner.invoke(args=["check-index"])
    assert result.exit_code == 1
    assert "1 missing from the index: 1" in result.output
    assert "1 out of date in the index: 3" in result.output
    # The rename is logged (entry 12); this index never applied it.
    assert "Change log: last entry 12; this index holds 11." in result.output
    result = runner.invoke(args=["check-index", "--repair"])
    assert result.exit_code == 0 and "Repaired." in result.output
    result = runner.invoke(args=["check-index"])
    assert result.output.splitlines()[0] == "Change log: last entry 12; this index holds 12."
    assert f"index {follow.index_id(app.extensions['search'])} (this one): at 12, up to date" \
        in result.output
    assert result.output.splitlines()[-1] == "Index and database agree."


def test_cli_reindex_refuses_while_another_build_holds_the_lock(app, runner):
    lock = app.extensions["search"].build_lock()
    assert lock.acquire()
    try:
        result = runner.invoke(args=["reindex"])
    finally:
        lock.release()
    assert result.exit_code == 1 and "another reindex is running" in result.output
    assert runner.invoke(args=["reindex"]).exit_code == 0


@pytest.fixture
def big_app(app):
    with app.app_context():
        generate_businesses(1500)
        services.reindex()
    return app


def adding_documents(index) -> str | None:
    """The release being built once its Whoosh writer is open (documents going in), or None."""
    for name in os.listdir(index.releases.dir):
        path = index.releases.path(name)
        if os.path.exists(os.path.join(path, BUILDING)) \
                and os.path.exists(os.path.join(path, "MAIN_WRITELOCK")):
            return name
    return None


def test_kill_9_of_a_reindex_leaves_the_live_index_serving_and_the_next_succeeds(
        big_app, client, tmp_path):
    index = big_app.extensions["search"]
    live = index.release_id()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "directory", "reindex"],
                               env=app_env(tmp_path), cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        building = None
        while building is None and time.monotonic() < deadline and process.poll() is None:
            building = adding_documents(index)
            time.sleep(0.01)
        assert building, "the build was never seen adding documents"
        # Frozen where it is, then checked: the kill lands in the build, whatever the load.
        os.kill(process.pid, signal.SIGSTOP)
        assert os.path.exists(os.path.join(index.releases.path(building), BUILDING)), \
            "the build finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        stop(process)
    assert index.release_id() == live
    assert os.path.isdir(index.releases.path(building))  # the crashed build's leftovers
    assert found(client, "keripik") and client.get("/api/v1/businesses").json["total"] == 1511
    assert not index.build_running()  # the kernel dropped the dead builder's lock
    with big_app.app_context():
        assert services.reindex() == 1511
    assert not os.path.exists(index.releases.path(building))  # swept at the next build
    assert index.release_id() != live
    assert client.get("/api/v1/businesses").json["total"] == 1511


# -- a live server: several worker processes ---------------------------------------------

def get_json(url: str, method: str = "GET", body: dict | None = None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Readers:
    """Threads searching in a loop; every answer must be a 200 with results."""

    QUERIES = ("keripik", "keramik", "rawon&district=klojen", "tempe&category=kuliner")

    # The deadline only caps a test that hangs: leaving the `with` block stops the readers.
    def __init__(self, base: str, threads: int = 4, deadline: float = 300.0):
        self.base, self.stop_at = base, time.monotonic() + deadline
        self.stopping = threading.Event()
        self.reads, self.errors, self.lock = [], [], threading.Lock()
        self.threads = [threading.Thread(target=self._loop, args=(n,)) for n in range(threads)]

    def _loop(self, n: int) -> None:
        i = n
        while not self.stopping.is_set() and time.monotonic() < self.stop_at:
            query = self.QUERIES[i % len(self.QUERIES)]
            i += 1
            started = time.monotonic()
            try:
                status, body = get_json(f"{self.base}/api/v1/businesses?q={query}")
                ok = status == 200 and body["total"] > 0 and body["items"]
                problem = None if ok else f"{query}: {status} {str(body)[:200]}"
            except Exception as error:  # any failure to answer counts as an error
                problem = f"{query}: {error!r}"
            with self.lock:
                self.reads.append((n, started, time.monotonic()))
                if problem:
                    self.errors.append(problem)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def overlapping(self, start: float, end: float) -> dict[int, int]:
        """Per reader thread: how many of its reads ran while [start, end] did."""
        with self.lock:
            counts = dict.fromkeys(range(len(self.threads)), 0)
            for n, began, ended in self.reads:
                counts[n] += began < end and ended > start
            return counts

    def wait_until_each_read_after(self, moment: float, timeout: float = 30) -> None:
        """Wait until every reader thread has finished a read started after `moment`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len({n for n, began, _ in self.reads if began > moment}) == len(self.threads):
                    return
            time.sleep(0.01)
        raise AssertionError("a reader thread did not read in 30 s")


@pytest.fixture
def live_server(big_app, tmp_path):
    with big_app.app_context():
        token = auth.create_token("ani")
    big_app.extensions["search"].close()
    process, base = start_gunicorn(tmp_path, workers=3)
    try:
        yield base, {"Authorization": f"Bearer {token}"}, process
    finally:
        stop(process)


def test_live_server_readers_see_no_error_nor_empty_answer_during_a_reindex(live_server):
    base, headers, _ = live_server
    admin = base + URL_PREFIX
    with Readers(base) as readers:
        readers.wait_until_each_read_after(0)  # every reader is under way
        started = time.monotonic()
        status, job = get_json(admin + "/reindex", "POST", headers=headers)
        assert status == 202, job
        assert get_json(admin + "/reindex", "POST", headers=headers)[0] == 409
        # A write during the build, through whichever worker: applied after the switch.
        status, body = get_json(admin + "/businesses", "POST", NEW, headers)
        assert status == 201, body
        deadline = time.monotonic() + 240  # a cap for a hung job, not an expected time
        while time.monotonic() < deadline:
            status, job = get_json(f"{admin}/jobs/{job['id']}", headers=headers)
            if job["state"] != "running":
                break
            time.sleep(0.1)
        finished = time.monotonic()
        readers.wait_until_each_read_after(finished)  # and every reader read after the switch
    assert job["state"] == "done", job
    during = readers.overlapping(started, finished)
    print(f"\nreindex of {job['done']} businesses: {finished - started:.1f} s; "
          f"reads overlapping it per reader thread {during}, {len(readers.reads)} in all, "
          f"{len(readers.errors)} errors")
    assert readers.errors == []
    assert all(during.values()), during  # every reader thread read while the build ran
    for _ in range(10):  # every worker, whichever answers, has the write
        status, body = get_json(f"{base}/api/v1/businesses?q=cilok")
        assert [item["slug"] for item in body["items"]] == ["cilok-gajayana"]


def answered_by(tmp_path, marker: str) -> list[str]:
    """The worker pids (as gunicorn logs them, `<pid>`) that answered requests with `marker`."""
    log = (tmp_path / "access.log").read_text().splitlines()
    return [line.split()[0] for line in log if marker in line]


def search_until_every_worker_answered(base, tmp_path, workers, q, check, timeout=30):
    """Search `q` until each of `workers` has answered it; `check` judges every answer."""
    deadline = time.monotonic() + timeout
    while set(answered_by(tmp_path, f"q={q}")) < workers:
        assert time.monotonic() < deadline, f"not every worker answered q={q}"
        status, body = get_json(f"{base}/api/v1/businesses?q={q}")
        assert status == 200
        check(body)


def test_live_server_a_write_through_one_worker_is_found_by_every_other(live_server, tmp_path):
    base, headers, process = live_server
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    workers = {f"<{pid}>" for pid in children}
    assert len(workers) == 3
    # Every worker opens and caches its searcher before the write.
    search_until_every_worker_answered(base, tmp_path, workers, "keripik",
                                       lambda body: body["total"] > 0)
    status, body = get_json(base + URL_PREFIX + "/businesses", "POST", NEW, headers)
    written = time.monotonic()
    assert status == 201, body
    delays = []

    def finds_cilok(body):
        assert [item["slug"] for item in body["items"]] == ["cilok-gajayana"]
        delays.append(time.monotonic() - written)
    search_until_every_worker_answered(base, tmp_path, workers, "cilok", finds_cilok)
    status, body = get_json(base + URL_PREFIX + "/businesses/cilok-gajayana", "DELETE",
                            headers=headers)
    assert status == 200
    search_until_every_worker_answered(base, tmp_path, workers, "cilok&page=1",
                                       lambda body: body["total"] == 0)
    (writer,) = answered_by(tmp_path, '"POST /api/v1/admin/businesses')  # logged by now
    print(f"\nwrite through worker {writer} found at once by every worker "
          f"{sorted(workers)}: first search {delays[0] * 1000:.0f} ms after the write")
