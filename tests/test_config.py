"""Configuration: instance defaults, DIRECTORY_* environment variables, test_config."""

import pytest

from directory import create_app
from tests.conftest import INSTANCE_KEYS


@pytest.fixture
def no_environment(monkeypatch):
    """Drop the suite's DIRECTORY_* fallbacks (tests/conftest.py) to see the defaults."""
    for key in INSTANCE_KEYS:
        monkeypatch.delenv(f"DIRECTORY_{key}")


def test_defaults_live_in_the_instance_folder(no_environment, monkeypatch, tmp_path):
    # The instance folder of a temporary checkout, not this one's.
    instance = tmp_path / "instance"
    monkeypatch.setenv("DIRECTORY_INSTANCE_PATH", str(instance))
    app = create_app()
    assert app.instance_path == str(instance) and instance.is_dir()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'directory.sqlite3'}"
    assert app.config["SEARCH_INDEX_DIR"] == str(instance / "index")
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{instance / 'ratelimit.sqlite3'}"
    assert app.config["DRAFT_PHOTO_DIR"] == str(instance / "drafts")


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("DIRECTORY_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("DIRECTORY_SEARCH_INDEX_DIR", str(tmp_path / "env-index"))
    monkeypatch.setenv("DIRECTORY_SEARCH_WRITE_TIMEOUT", "2.5")
    monkeypatch.setenv("DIRECTORY_RATELIMIT_STORAGE_URI", f"sqlite:///{tmp_path}/limits.db")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "env-index")
    assert app.config["SEARCH_WRITE_TIMEOUT"] == 2.5


def test_test_config_overrides_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DIRECTORY_SEARCH_INDEX_DIR", str(tmp_path / "env-index"))
    app = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "given")})
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "given")
