"""The core on a real PostgreSQL server, started by the tests (not a mock, not SQLite)."""

from pathlib import Path

import pytest
from sqlalchemy import text

from directory import create_app, services
from directory.models import db
from tests.postgres import postgres_server

SAMPLE = Path(__file__).parents[1] / "directory" / "data" / "sample" / "features.csv"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory):
    with postgres_server() as url:
        folder = tmp_path_factory.mktemp("pg")
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                          "SEARCH_INDEX_DIR": str(folder / "index"),
                          "RATELIMIT_STORAGE_URI": f"sqlite:///{folder / 'ratelimit.sqlite3'}"})
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init-db"]).exit_code == 0
        result = runner.invoke(args=["import", str(DATA / "businesses.csv")])
        assert result.exit_code == 0, result.output
        yield app
        app.extensions["search"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_it_really_is_postgresql(pg_app):
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert db.session.execute(text("select version()")).scalar().startswith("PostgreSQL")


def test_import_is_idempotent_on_postgresql(pg_app):
    with pg_app.app_context():
        report = services.import_file(DATA / "businesses.csv")
        assert (report.new_businesses, report.new_features, report.updated_businesses) == (0, 0, 0)
        assert services.count_live() == 11


def test_search_filters_and_facets_on_postgresql(pg_app):
    client = pg_app.test_client()
    body = client.get("/api/v1/businesses?q=keripik&district=BLIMBING").get_json()
    assert [i["slug"] for i in body["items"]] == ["keripik-tempe-bu-sri"]
    assert body["items"][0]["latest_feature"]["featured_on"] == "2022-03-04"
    facets = client.get("/api/v1/businesses").get_json()["facets"]
    assert facets["year"] == {"2021": 8, "2022": 2, "2023": 2}


def test_reference_lists_and_timeline_on_postgresql(pg_app):
    client = pg_app.test_client()
    items = client.get("/api/v1/categories").get_json()["items"]
    categories = {c["slug"]: c["count"] for c in items}
    assert categories["kuliner"] == 4
    districts = {d["slug"]: d["count"] for d in client.get("/api/v1/districts").get_json()["items"]}
    assert sum(districts.values()) == 11
    timeline = client.get("/api/v1/features?year=2022").get_json()
    assert [f["featured_on"] for f in timeline["items"]] == ["2022-03-11", "2022-03-04"]


def test_sample_data_loads_on_postgresql(pg_app):
    with pg_app.app_context():
        report = services.import_file(SAMPLE, dry_run=True)
        assert report.errors == [] and report.new_businesses >= 120
        assert services.count_live() == 11  # the dry run wrote nothing


def test_stats_and_exports_on_postgresql(pg_app):
    client = pg_app.test_client()
    stats = client.get("/api/v1/stats")
    assert stats.status_code == 200, stats.get_json()
    body = stats.get_json()
    assert (body["totals"]["businesses"], body["totals"]["appearances"]) == (11, 12)
    blimbing = next(k for k in body["by_kecamatan"] if k["slug"] == "blimbing")
    assert blimbing["appearances_by_year"] == {"2021": 2, "2022": 1, "2023": 0}
    features = client.get("/api/v1/export/features.csv")
    assert features.status_code == 200
    lines = features.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 1 + 12  # header + every appearance
    ndjson = client.get("/api/v1/export/businesses.ndjson?district=klojen").get_data(as_text=True)
    assert len(ndjson.strip().splitlines()) == 2
