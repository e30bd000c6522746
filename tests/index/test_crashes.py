"""kill -9 at the worst moments: index and database agree after restart, nothing committed lost.

Each test runs the real thing in a subprocess (the CLI, gunicorn) that stops at a named
point (DIRECTORY_TEST_PAUSE_AT, directory/pausepoints.py), then kills it with SIGKILL there:
no sleep guesses where the process is. "Restart" is the next process using the same files
(this test's app): it catches the index up by itself, no manual step.
"""

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from directory import auth, changelog, index_health
from directory.admin import URL_PREFIX
from directory.models import Business, db
from directory.pausepoints import PAUSED

from ..staff_helpers import ROOT, app_env, start_gunicorn, stop

SHEET = (b"featured_on,rubric,slug,name,category,district,kelurahan,products\n"
         b"2024-02-02,umkm-of-the-week,tahu-petis-mak-ti,Tahu Petis Mak Ti,kuliner,Klojen,"
         b"Kauman,tahu petis\n")


def found(client, q: str) -> list[str]:
    response = client.get(f"/api/v1/businesses?q={q}")
    assert response.status_code == 200, response.json
    return [item["slug"] for item in response.json["items"]]


def paused_cli(tmp_path: Path, point: str, *args: str) -> subprocess.Popen:
    """Run `flask <args>` on the test's files until it stops at `point`."""
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "directory", *args], cwd=ROOT,
        env={**app_env(tmp_path), "DIRECTORY_TEST_PAUSE_AT": point},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    said, deadline = b"", time.monotonic() + 60
    while (PAUSED + point).encode() not in said:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            kill_9(process)
            raise AssertionError(f"never paused at {point}: {said.decode()[-2000:]}")
        if select.select([process.stderr], [], [], remaining)[0]:
            said += os.read(process.stderr.fileno(), 65536)
    return process


def kill_9(process: subprocess.Popen) -> None:
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    pids = children.read_text().split() if children.exists() else []
    for pid in [process.pid, *map(int, pids)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)
    if process.stderr:
        process.stderr.close()


def assert_index_agrees(app) -> None:
    """The index holds what the database holds, and knows it (its position is the log's)."""
    client = app.test_client()
    client.get("/api/v1/businesses?q=apa")  # the first search after restart catches up
    with app.app_context():
        health = index_health.check()
        assert health.ok, health
        assert app.extensions["search"].position() == changelog.latest_cursor()
        # Applied twice is still once: one document per live business.
        assert len(app.extensions["search"].stored_fields()) == db.session.scalar(
            sql_select(func.count(Business.id)).where(Business.deleted_at.is_(None)))


@pytest.mark.parametrize(("point", "committed"), [
    ("before-commit", False),  # rows written, transaction open
    ("after-commit", True),  # committed, this machine's index not yet told
    ("applied-before-position", True),  # in the index, its position not yet recorded
])
def test_an_import_killed_at_any_moment_leaves_index_and_database_agreeing(
        app, client, tmp_path, point, committed):
    sheet = tmp_path / "week.csv"
    sheet.write_bytes(SHEET)
    kill_9(paused_cli(tmp_path, point, "import", str(sheet)))
    with app.app_context():
        in_database = db.session.scalars(sql_select(Business.slug).where(
            Business.slug == "tahu-petis-mak-ti")).first() is not None
    assert in_database == committed
    assert found(client, "petis") == (["tahu-petis-mak-ti"] if committed else [])
    assert_index_agrees(app)


@pytest.mark.parametrize("point", ["built-before-swap", "swapped"])
def test_a_reindex_killed_during_its_swap_loses_no_write_made_meanwhile(
        app, client, tmp_path, point):
    index = app.extensions["search"]
    live = index.release_id()
    process = paused_cli(tmp_path, point, "reindex")
    try:
        # Written while the build waits: after the position it noted, so never in its rows.
        with app.app_context():
            headers = {"Authorization": f"Bearer {auth.create_token('ani')}"}
        response = client.patch(URL_PREFIX + "/businesses/rawon-pak-darmo",
                                json={"products": ["rawon", "soto daging"]}, headers=headers)
        assert response.status_code == 200
    finally:
        kill_9(process)
    assert (index.release_id() == live) == (point == "built-before-swap")
    assert found(client, "soto daging") == ["rawon-pak-darmo"]
    assert_index_agrees(app)
    result = app.test_cli_runner().invoke(args=["reindex"])  # its lock died with it
    assert result.exit_code == 0, result.output
    assert found(client, "soto daging") == ["rawon-pak-darmo"]


@pytest.mark.parametrize(("point", "committed"), [("before-commit", False),
                                                  ("after-commit", True)])
def test_a_server_killed_during_a_staff_write_restarts_agreeing(
        app, tmp_path, point, committed):
    with app.app_context():
        token = auth.create_token("ani")
    app.extensions["search"].close()
    env = {**app_env(tmp_path), "DIRECTORY_TEST_PAUSE_AT": point}
    process, base = start_gunicorn(tmp_path, workers=1, env=env)
    new = b'{"name": "Cilok Gajayana", "category": "kuliner", "kelurahan": "Sumbersari"}'
    request = urllib.request.Request(
        base + URL_PREFIX + "/businesses", data=new, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    answers = []

    def write():
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answers.append(response.status)
        except (urllib.error.URLError, ConnectionError) as error:
            answers.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        while PAUSED + point not in (tmp_path / "gunicorn.log").read_text():
            assert time.monotonic() < deadline, "the server never paused"
            time.sleep(0.01)
    finally:
        kill_9(process)
        writer.join(timeout=60)
    assert answers and not isinstance(answers[0], int), answers  # never acknowledged
    process, base = start_gunicorn(tmp_path, workers=1)  # restarted, no pause
    try:
        with urllib.request.urlopen(base + "/api/v1/businesses?q=cilok", timeout=10) as response:
            body = json.load(response)
        assert [i["slug"] for i in body["items"]] == (["cilok-gajayana"] if committed else [])
    finally:
        stop(process)
    assert_index_agrees(app)
