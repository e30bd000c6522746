"""Fixtures: an app on a temporary database and index with a small set of businesses."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from directory import create_app, services
from directory.models import db
from directory.reference_tables import load_reference_data

DATA = Path(__file__).parent / "data"
CHECKOUT_INSTANCE = Path(__file__).resolve().parents[1] / "instance"
# Files an app keeps, by the config key naming them: each test points them into its tmp_path.
FALLBACK = pytest.StashKey[Path]()  # the folder of the suite's fallback instance files
INSTANCE_KEYS = ("SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", "RATELIMIT_STORAGE_URI",
                 "DRAFT_PHOTO_DIR", "PHOTO_DIR")


def pytest_configure(config):
    """Point every app the suite builds, and every process it starts, away from instance/.

    Tests pass their own tmp_path files (make_app); this catches an app built without them,
    so that a test can never write the checkout's instance/ (a developer's real data).
    """
    folder = Path(tempfile.mkdtemp(prefix="directory-tests-"))
    config.stash[FALLBACK] = folder
    os.environ["DIRECTORY_SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'directory.sqlite3'}"
    os.environ["DIRECTORY_SEARCH_INDEX_DIR"] = str(folder / "index")
    os.environ["DIRECTORY_RATELIMIT_STORAGE_URI"] = f"sqlite:///{folder / 'ratelimit.sqlite3'}"
    os.environ["DIRECTORY_DRAFT_PHOTO_DIR"] = str(folder / "drafts")
    os.environ["DIRECTORY_PHOTO_DIR"] = str(folder / "photos")
    # Nor does any app read the checkout's instance/config.py (a developer's settings).
    os.environ["DIRECTORY_INSTANCE_PATH"] = str(folder / "instance")
    # No query-log timer writes after its test is over (make_app does the same): one firing
    # 5 s after a PostgreSQL test opened a pooled connection nobody closed, and psycopg's
    # "deleted while still open" ResourceWarning then failed whichever later test was
    # running when the collector freed it. The query log's own tests set their interval.
    os.environ["DIRECTORY_QUERY_LOG_FLUSH_SECONDS"] = "3600"


def pytest_unconfigure(config):
    folder = config.stash.get(FALLBACK, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def instance_state() -> list[tuple] | None:
    """What the checkout's instance/ holds: every path with its size and modification time."""
    if not CHECKOUT_INSTANCE.exists():
        return None
    return sorted((str(p.relative_to(CHECKOUT_INSTANCE)), p.is_dir(),
                   None if p.is_dir() else (p.stat().st_size, p.stat().st_mtime_ns))
                  for p in CHECKOUT_INSTANCE.rglob("*"))


@pytest.fixture(scope="session", autouse=True)
def checkout_instance_untouched():
    """Fail the run when any test created or changed something in the checkout's instance/."""
    before = instance_state()
    yield
    after = instance_state()
    assert after == before, f"the suite wrote into {CHECKOUT_INSTANCE}: {before} -> {after}"


def app_config(tmp_path: Path) -> dict:
    """Return the config of an app whose every file lives under `tmp_path`."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        # Off except in the tests of the limit itself; never the shared instance file.
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}",
        "DRAFT_PHOTO_DIR": str(tmp_path / "drafts"),
        "PHOTO_DIR": str(tmp_path / "photos"),
        # The query log's tests flush by hand; no timer writes after a test is over.
        "QUERY_LOG_FLUSH_SECONDS": 3600,
    }


def make_app(tmp_path: Path, **config):
    app = create_app({**app_config(tmp_path), **config})
    with app.app_context():
        db.create_all()
        load_reference_data()
    app.extensions["search"].ensure()  # an empty live index, as init-db makes
    return app


def _copy_instance(source: Path, target: Path) -> None:
    # The database runs in WAL mode: recent commits may still sit in the -wal file.
    for name in ("test.sqlite3", "test.sqlite3-wal"):
        if (source / name).exists():
            shutil.copy(source / name, target / name)
    shutil.copytree(source / "index", target / "index", symlinks=True)


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """Build each starting instance once; tests get copies (SQLite's fsyncs are slow)."""
    empty = tmp_path_factory.mktemp("empty")
    app = make_app(empty)
    with app.app_context():
        services.reindex()
    full = tmp_path_factory.mktemp("full")
    _copy_instance(empty, full)
    app = make_app(full)
    with app.app_context():
        report = services.import_file(DATA / "businesses.csv")
        assert not report.errors, report.errors
    return {"empty": empty, "full": full}


def _app_from(template: Path, tmp_path: Path):
    _copy_instance(template, tmp_path)
    return create_app(app_config(tmp_path))


@pytest.fixture
def empty_app(templates, tmp_path):
    """An app with reference data and an empty index, no business."""
    app = _app_from(templates["empty"], tmp_path)
    yield app
    app.extensions["search"].close()


@pytest.fixture
def app(templates, tmp_path):
    """An app holding the businesses of tests/data/businesses.csv."""
    app = _app_from(templates["full"], tmp_path)
    yield app
    app.extensions["search"].close()


@pytest.fixture
def token(app):
    """A staff token (stored hashed) for the staff API of `app`."""
    from directory import auth

    with app.app_context():
        return auth.create_token("ani")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def write_file(tmp_path):
    """Write text (or bytes) to a file in tmp_path and return its path."""
    def write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding)
        return path
    return write


def pytest_terminal_summary(terminalreporter):
    """Say which schemathesis checks judged the answers, so a silently shrunk list shows."""
    fuzzing = sys.modules.get("tests.test_schemathesis")
    if fuzzing is None or not fuzzing.CHECKS_RAN:
        return
    terminalreporter.section("schemathesis checks that ran (in how many tests)")
    for name in sorted(check.__name__ for check in fuzzing.ALL_CHECKS):
        terminalreporter.write_line(f"{name}: {fuzzing.CHECKS_RAN[name]}")
