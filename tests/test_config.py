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


def test_the_suite_never_reads_the_checkouts_instance_folder():
    from tests.conftest import CHECKOUT_INSTANCE

    assert not create_app().instance_path.startswith(str(CHECKOUT_INSTANCE))


@pytest.fixture
def instance_config(no_environment, monkeypatch, tmp_path):
    """A temporary instance folder holding a config.py; returns a function writing it."""
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("DIRECTORY_INSTANCE_PATH", str(instance))

    def write(text: str):
        (instance / "config.py").write_text(text, encoding="utf-8")
        return instance

    return write


def test_instance_config_py_overrides_the_defaults(instance_config, tmp_path):
    instance_config(f'SEARCH_TIME_LIMIT = 0.5\nPUBLIC_BASE_URL = "https://umkm.example.id/"\n'
                    f'SEARCH_INDEX_DIR = {str(tmp_path / "file-index")!r}\n')
    app = create_app()
    assert app.config["SEARCH_TIME_LIMIT"] == 0.5
    assert app.config["PUBLIC_BASE_URL"] == "https://umkm.example.id"  # checked as ever
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "file-index")
    assert app.config["SEARCH_WRITE_TIMEOUT"] == 10.0  # what the file leaves: the default


def test_the_environment_overrides_instance_config_py(instance_config, monkeypatch):
    instance_config("SEARCH_TIME_LIMIT = 0.5\nQUERY_LOG_DAYS = 30\n")
    monkeypatch.setenv("DIRECTORY_SEARCH_TIME_LIMIT", "0.25")
    app = create_app()
    assert app.config["SEARCH_TIME_LIMIT"] == 0.25
    assert app.config["QUERY_LOG_DAYS"] == 30


def test_test_config_stands_in_for_instance_config_py(instance_config, tmp_path):
    instance_config("SEARCH_TIME_LIMIT = 0.5\n")
    app = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "given")})
    assert app.config["SEARCH_TIME_LIMIT"] == 0.8


def test_no_instance_config_py_is_no_error(instance_config):
    app = create_app()
    assert app.config["SEARCH_TIME_LIMIT"] == 0.8


def test_a_broken_instance_config_py_stops_the_start_with_its_error(instance_config):
    instance_config("SEARCH_TIME_LIMIT = \n")
    with pytest.raises(SyntaxError):
        create_app()
