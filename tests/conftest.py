"""Fixtures: an app on a temporary database and index with a small set of businesses."""

import shutil
import sys
from pathlib import Path

import pytest

from directory import create_app, services
from directory.models import db
from directory.reference import load_reference_data

DATA = Path(__file__).parent / "data"


def make_app(tmp_path: Path, **config):
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        # Off except in the tests of the limit itself; never the shared instance file.
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}",
        **config,
    })
    with app.app_context():
        db.create_all()
        load_reference_data()
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
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}",
    })


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
