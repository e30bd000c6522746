"""The core on a real PostgreSQL server, started by the tests (not a mock, not SQLite)."""

import contextlib
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from directory import auth, create_app, follow, services
from directory.audit import AuditEntry
from directory.models import Business, Feature, db
from tests.postgres import postgres_server

SAMPLE = Path(__file__).parents[1] / "directory" / "data" / "sample" / "features.csv"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def pg_server():
    with postgres_server() as url:
        yield url


@contextlib.contextmanager
def app_on(url: str, folder: Path):
    """An app on the database at `url`, initialised and holding tests/data/businesses.csv."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SEARCH_INDEX_DIR": str(folder / "index"),
                      "RATELIMIT_STORAGE_URI": f"sqlite:///{folder / 'ratelimit.sqlite3'}"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    result = runner.invoke(args=["import", str(DATA / "businesses.csv")])
    assert result.exit_code == 0, result.output
    try:
        yield app
    finally:
        app.extensions["search"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def pg_app(pg_server, tmp_path_factory):
    with app_on(pg_server, tmp_path_factory.mktemp("pg")) as app:
        yield app


@pytest.fixture
def staff_app(pg_server, tmp_path):
    """An app on a database of its own on the same server: its writes touch no other test."""
    name = "staff_" + tmp_path.name.replace("-", "_").lower()
    url = make_url(pg_server)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres",
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    with app_on(url.set(database=name).render_as_string(), tmp_path) as app:
        yield app


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


def test_staff_writes_on_postgresql_reach_the_database_the_index_and_the_audit(staff_app):
    with staff_app.app_context():
        token = auth.create_token("ani")
    client = staff_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    admin = "/api/v1/admin"

    def found(q):
        return [i["slug"] for i in client.get("/api/v1/businesses", query_string={"q": q}).json[
            "items"]]

    created = client.post(f"{admin}/businesses", headers=headers, json={
        "name": "Cilok Gajayana", "category": "kuliner", "kelurahan": "Sumbersari",
        "products": ["cilok", "cilok bakar"], "whatsapp": "0812-1111-2222"})
    assert created.status_code == 201, created.json
    assert found("cilok") == ["cilok-gajayana"]
    again = client.post(f"{admin}/businesses", headers=headers,
                        json={"name": "Cilok Gajayana", "category": "kuliner",
                              "kelurahan": "Sumbersari"})
    assert again.status_code == 409  # PostgreSQL's unique slug, in the error shape
    changed = client.patch(f"{admin}/businesses/cilok-gajayana", headers=headers,
                           json={"products": ["cilok kuah"], "description": "Cilok kuah pedas."})
    assert changed.status_code == 200, changed.json
    assert found("kuah") == ["cilok-gajayana"] and found("bakar") == []
    feature = client.post(f"{admin}/businesses/cilok-gajayana/features", headers=headers,
                          json={"rubric": "umkm-of-the-week", "featured_on": "2025-06-06"})
    assert feature.status_code == 201, feature.json
    assert client.post(f"{admin}/businesses/cilok-gajayana/features", headers=headers, json={
        "rubric": "umkm-of-the-week", "featured_on": "2025-06-06"}).status_code == 409
    assert client.get("/api/v1/businesses?year=2025").json["total"] == 1
    assert client.delete(f"{admin}/businesses/cilok-gajayana", headers=headers).status_code \
        == 200
    assert found("cilok") == []
    assert client.post(f"{admin}/businesses/cilok-gajayana/restore",
                       headers=headers).status_code == 200
    assert found("cilok") == ["cilok-gajayana"]
    with staff_app.app_context():
        business = db.session.scalars(select(Business).where(
            Business.slug == "cilok-gajayana")).one()
        assert (business.products, business.deleted_at) == (["cilok kuah"], None)
        assert db.session.scalar(select(db.func.count(Feature.id)).where(
            Feature.business_id == business.id)) == 1
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.actor == "ani").order_by(AuditEntry.id)).all()
    assert actions == ["business.create", "business.update", "feature.create",
                       "business.delete", "business.restore"]  # the refused ones left none


def test_reindex_job_on_postgresql_rebuilds_from_the_database(staff_app):
    with staff_app.app_context():
        token = auth.create_token("ani")
        db.session.execute(text("UPDATE business SET description = 'Kue lumpur istimewa.' "
                                "WHERE slug = 'jamu-mbok-sarti'"))  # behind the index's back
        db.session.commit()
    client = staff_app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/businesses?q=lumpur").json["total"] == 0
    index = staff_app.extensions["search"]
    before = index.release_id()
    started = client.post("/api/v1/admin/reindex", headers=headers)
    assert started.status_code == 202, started.json
    deadline = time.monotonic() + 60
    while (job := client.get(started.headers["Location"], headers=headers).json)["state"] \
            == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
    assert (job["state"], job["done"], job["error"]) == ("done", 11, None)
    assert index.release_id() != before
    found = client.get("/api/v1/businesses?q=lumpur").json["items"]
    assert [i["slug"] for i in found] == ["jamu-mbok-sarti"]
    with staff_app.app_context():
        assert services.reindex() == 11  # the CLI's path, on the same database


def test_buying_details_photos_filters_and_counts_on_postgresql(pg_app, tmp_path):
    import io

    from PIL import Image
    from sqlalchemy import select

    from directory import gallery
    from directory.models import Business

    pg_app.config["PHOTO_DIR"] = str(tmp_path / "photos")
    picture = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 90, 40)).save(picture, "JPEG")
    with pg_app.app_context():
        business = db.session.scalars(select(Business).where(
            Business.slug == "keripik-tempe-bu-sri")).one()
        business.order_links = [{"platform": "shopee", "url": "https://shopee.co.id/x"}]
        business.halal, business.price_min, business.price_max = "ID3511000012", 5000, 20000
        assert gallery.add_photo(business, picture.getvalue(), filename="x.jpg") is not None
        db.session.commit()
        follow.catch_up()
    client = pg_app.test_client()
    totals = client.get("/api/v1/stats").get_json()["totals"]
    assert (totals["with_order_links"], totals["halal_certified"], totals["with_photos"]) == (
        1, 1, 1)
    found = client.get("/api/v1/businesses?halal=1&price_max=5000").get_json()
    assert [item["slug"] for item in found["items"]] == ["keripik-tempe-bu-sri"]
    assert found["items"][0]["photo"]["width"] == 400
    csv_text = client.get("/api/v1/export/businesses.csv?halal=1").get_data(as_text=True)
    assert "https://shopee.co.id/x" in csv_text


def test_change_log_ids_are_in_commit_order_so_no_reader_skips_one(staff_app):
    """PostgreSQL allocates serial ids before commit: without the log's lock, a reader could
    see entry n+1 committed while n is still in flight, move past n and never apply it."""
    from sqlalchemy.orm import Session

    from directory import changelog

    with staff_app.app_context():
        first, second = db.session.scalars(select(Business).order_by(Business.id).limit(2))
        ids = first.id, second.id
        db.session.remove()
        slow = Session(db.engine)  # writes first, commits last
        slow.get(Business, ids[0]).name = "Keripik Lambat"
        slow.flush()  # its change-log entry is allocated now, inside the transaction
        committed = []

        def fast_write():
            with staff_app.app_context(), Session(db.engine) as fast:
                fast.get(Business, ids[1]).name = "Bakso Cepat"
                fast.commit()  # waits for the slow writer: after it, in order
                committed.append(changelog.latest_cursor())

        thread = threading.Thread(target=fast_write)
        thread.start()
        try:
            deadline = time.monotonic() + 10
            while not waiting_for_the_log_lock():
                assert time.monotonic() < deadline, "the second writer never waited"
                time.sleep(0.01)
            # Meanwhile a reader sees neither entry: nothing to skip over.
            before = changelog.latest_cursor()
            assert not changelog.entries_since(before, 10)
        finally:
            slow.commit()
            slow.close()
            thread.join(timeout=10)
        entries = changelog.entries_since(before, 10)
        assert [(e.business_id, e.kind) for e in entries] == [(ids[0], "changed"),
                                                               (ids[1], "changed")]
        assert entries[0].id < entries[1].id == committed[0]


def waiting_for_the_log_lock() -> bool:
    return bool(db.session.scalar(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")))
