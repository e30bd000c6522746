"""Configuration: instance defaults, DIRECTORY_* environment variables, test_config."""

from directory import create_app


def test_defaults_live_in_the_instance_folder():
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/directory.sqlite3")
    assert app.config["SEARCH_INDEX_DIR"].endswith("instance/index")


def test_environment_overrides_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("DIRECTORY_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("DIRECTORY_SEARCH_INDEX_DIR", str(tmp_path / "env-index"))
    monkeypatch.setenv("DIRECTORY_SEARCH_WRITE_TIMEOUT", "2.5")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "env-index")
    assert app.config["SEARCH_WRITE_TIMEOUT"] == 2.5


def test_test_config_overrides_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DIRECTORY_SEARCH_INDEX_DIR", str(tmp_path / "env-index"))
    app = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "given")})
    assert app.config["SEARCH_INDEX_DIR"] == str(tmp_path / "given")
