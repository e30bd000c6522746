"""Faults of the index's disk: deleted or damaged while serving, full while building.

The database is the source of truth: pages it answers alone keep working, search says 503
in the error shape (never a 500), and the index is rebuilt from the database without a
developer (by the app on the next search, or `check-index --repair`).
"""

import logging
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from directory import auth, follow
from directory import search as search_package
from directory.admin import URL_PREFIX
from directory.jobs import ReindexJob
from directory.models import Business, db

from ..staff_helpers import generate_businesses

SLUG = "keripik-tempe-bu-sri"


def search(client, q="keripik"):
    return client.get(f"/api/v1/businesses?q={q}")


def wait_until_search_answers(client, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = search(client)
        if response.status_code == 200:
            return response
        assert response.status_code == 503, response.json
        time.sleep(0.1)
    raise AssertionError("the index did not come back")


def damage(index) -> None:
    """Overwrite every file of the live release with garbage, then let a new reader open it."""
    release = index.releases.path(index.release_id())
    for name in os.listdir(release):
        with open(os.path.join(release, name), "wb") as file:
            file.write(b"\x00garbage\xff" * 7)
    index.close()  # a worker started now (or a restarted one) opens the files afresh


def assert_unavailable(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    error = response.json["error"]
    assert (error["status"], error["code"]) == (503, "service_unavailable")
    assert "rebuilt from the database" in error["message"]


def test_index_folder_deleted_while_serving_503_for_search_pages_from_database_then_rebuilt(
        app, client, caplog):
    before = search(client).json
    assert before["total"] > 0
    index = app.extensions["search"]
    shutil.rmtree(index.root)
    with caplog.at_level(logging.ERROR, logger="directory.index_recovery"):
        assert_unavailable(search(client))
    assert any("search index unavailable" in r.getMessage() and "rebuilding it from the "
               "database" in r.getMessage() for r in caplog.records), caplog.text
    # What the database answers alone keeps working meanwhile.
    assert client.get(f"/api/v1/businesses/{SLUG}").status_code == 200
    assert client.get(f"/b/{SLUG}").status_code == 200
    assert client.get("/api/v1/categories").status_code == 200
    after = wait_until_search_answers(client).json
    assert [i["slug"] for i in after["items"]] == [i["slug"] for i in before["items"]]
    with app.app_context():
        job = db.session.scalars(select(ReindexJob)).one()  # one rebuild, however many asked
        assert job.actor == "system"
        assert set(index.stored_fields()) == set(db.session.scalars(select(Business.id)))


def test_damaged_index_is_a_503_not_a_500_and_comes_back(app, client):
    damage(app.extensions["search"])
    assert_unavailable(search(client))
    assert client.get(f"/api/v1/businesses/{SLUG}").status_code == 200
    assert wait_until_search_answers(client).json["total"] > 0


def test_check_index_says_the_index_is_unreadable_and_repair_rebuilds_it(app, runner, client):
    damage(app.extensions["search"])
    result = runner.invoke(args=["check-index"])
    assert result.exit_code == 1
    assert "The search index cannot be read" in result.output
    assert "check-index --repair" in result.output
    result = runner.invoke(args=["check-index", "--repair"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt it from the database: 11 businesses." in result.output
    assert "Index and database agree." in result.output
    assert search(client).json["total"] > 0


def test_a_staff_write_while_the_index_is_missing_is_kept_and_found_once_rebuilt(app, client):
    with app.app_context():
        headers = {"Authorization": f"Bearer {auth.create_token('ani')}"}
    new = {"name": "Cilok Gajayana", "category": "kuliner", "kelurahan": "Sumbersari"}
    shutil.rmtree(app.extensions["search"].root)
    # The database is the truth: the write commits (with its log entry), the index that
    # cannot take it is rebuilt from the database by the app itself.
    response = client.post(URL_PREFIX + "/businesses", json=new, headers=headers)
    assert response.status_code == 201, response.json
    wait_until_search_answers(client)
    assert search(client, "cilok").json["total"] == 1


# -- a full disk while building -----------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs), unmounted afterwards."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", f"test-{uuid.uuid4().hex[:8]}",
                           str(mount_point)], capture_output=True, text=True)
    if done.returncode != 0:
        # A loop-mounted file system needs the same privilege (CAP_SYS_ADMIN) as tmpfs.
        pytest.skip("this machine lets no test mount a size-limited file system (tmpfs or "
                    f"loop): {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> None:
    """Write a ballast file until the disk refuses another byte."""
    fd = os.open(disk / "ballast", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)


def test_a_full_disk_while_building_keeps_the_live_index_and_fails_clearly(
        app, client, small_disk):
    index_dir = small_disk / "index"
    app.config["SEARCH_INDEX_DIR"] = str(index_dir)
    search_package.init_app(app)  # the index now lives on the small disk
    index = app.extensions["search"]
    with app.app_context():
        index.ensure()
        follow.catch_up()  # the change log's 11 businesses
        generate_businesses(1000)  # in the database only: their index needs more than is left
    live = index.release_id()
    before = search(client).json
    fill(small_disk)

    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 1
    assert "no space left on the disk of the search index" in result.output
    assert "the live one is unchanged" in result.output
    assert index.release_id() == live
    assert os.listdir(index.releases_dir) == [live]  # the half-built release is gone
    assert search(client).json == before  # still answering from the live index

    with app.app_context():
        headers = {"Authorization": f"Bearer {auth.create_token('ani')}"}
    job = client.post(URL_PREFIX + "/reindex", headers=headers).json
    deadline = time.monotonic() + 60
    while job["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
        job = client.get(f"{URL_PREFIX}/jobs/{job['id']}", headers=headers).json
    assert job["state"] == "failed"
    assert job["error"].startswith("no space left on the disk of the search index")
    assert index.release_id() == live and search(client).status_code == 200

    (small_disk / "ballast").unlink()
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert index.release_id() != live
