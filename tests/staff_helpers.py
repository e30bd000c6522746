"""Helpers of the staff tests: tokens, generated businesses, a live gunicorn server."""

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from directory.models import Business, Feature, Kelurahan, db

ROOT = Path(__file__).resolve().parents[1]
WORDS = ["keripik", "tempe", "apel", "batik", "kopi", "bakso", "rotan", "keramik", "sambal",
         "kue", "jamu", "tas", "sepatu", "madu", "roti", "malang", "sanan", "celaket"]


def generate_businesses(count: int, seed: int = 7) -> None:
    """Insert `count` made-up businesses with one appearance each (fast: bulk inserts)."""
    rng = random.Random(seed)
    kelurahan = list(db.session.scalars(select(Kelurahan.slug)))
    categories = ["kuliner", "kriya", "fesyen"]
    start = db.session.scalar(select(db.func.coalesce(db.func.max(Business.id), 0))) + 1
    rows = [{
        "id": start + n, "slug": f"usaha-contoh-{start + n}",
        "name": " ".join(rng.sample(WORDS, 3)).title(), "category_slug": rng.choice(categories),
        "kelurahan_slug": rng.choice(kelurahan), "products": rng.sample(WORDS, 2),
        "description": " ".join(rng.choices(WORDS, k=30)), "fictional": True,
    } for n in range(count)]
    db.session.execute(insert(Business), rows)
    db.session.execute(insert(Feature), [{
        "business_id": row["id"], "rubric_slug": "umkm-of-the-week",
        "featured_on": date(2022, 1, 7) + timedelta(days=7 * (row["id"] % 150)),
    } for row in rows])
    db.session.commit()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(tmp_path: Path) -> dict:
    """Environment pointing a `flask`/gunicorn process at the test app's files."""
    return {**os.environ,
            "DIRECTORY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "DIRECTORY_SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "DIRECTORY_RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}",
            "DIRECTORY_PHOTO_DIR": str(tmp_path / "photos"),
            # The readers' loops are load on purpose; the limiter has tests of its own.
            "DIRECTORY_RATELIMIT_ENABLED": "false",
            # Readers must get whole answers on a loaded machine too; the time limit's partial
            # answer has its own test (test_search_execution.py, a page filled past the budget).
            "DIRECTORY_SEARCH_TIME_LIMIT": "30"}


def start_gunicorn(tmp_path: Path, workers: int = 3, env: dict | None = None,
                   probe: str = "/api/v1/categories") -> tuple[subprocess.Popen, str]:
    """Start gunicorn on 127.0.0.1 and return it with its base URL once `probe` answers.

    `env` replaces the environment of app_env(tmp_path); its logs go to tmp_path.
    """
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 (the child keeps its copy)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--graceful-timeout", "2",
         # Concurrent test servers must not fight over gunicorn's one default control socket.
         "--no-control-socket",
         "--access-logfile", str(tmp_path / "access.log"),
         "--access-logformat", '%(p)s "%(r)s" %(s)s', "directory:create_app()"],
        cwd=ROOT, env=env or app_env(tmp_path), stdout=subprocess.DEVNULL,
        stderr=log)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + probe, timeout=2).read()
            return process, base
        except OSError:  # refused, reset, timed out: not up yet
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
