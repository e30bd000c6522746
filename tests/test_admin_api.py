"""The staff API: tokens, editing, soft delete, uploads, reindex jobs and the audit log."""

import io
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from directory import auth, services
from directory import normalise as import_fields
from directory.admin import URL_PREFIX
from directory.audit import AuditEntry
from directory.models import Business, Feature, db, utcnow
from tests.helpers import StaffClient, assert_error_shape

DATA = Path(__file__).parent / "data"

NEW = {"name": "Soto Ayam Lombok Bu Tin", "category": "kuliner", "district": "klojen",
       "kelurahan": "Rampal Celaket", "products": ["soto ayam", "soto ayam"],
       "whatsapp": "0812-3456-7890", "instagram": "@sotobutin_contoh"}


@pytest.fixture
def staff(client, token):
    """The test client sending the staff token."""
    return StaffClient(client, token)


def found(client, q: str) -> list[str]:
    return [item["slug"] for item in client.get(f"/api/v1/businesses?q={q}").json["items"]]


def admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(URL_PREFIX)]


# -- tokens -----------------------------------------------------------------------------

def test_every_admin_route_answers_401_json_without_a_valid_token(app, client, token):
    rules = admin_rules(app)
    assert len(rules) >= 10
    for rule in rules:
        # Every variable part filled in, so the route itself answers (never a 404).
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "keripik-tempe-bu-sri"
                      if m.group(1) == "slug" else "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, {"Authorization": "Bearer wrong"},
                            {"Authorization": token}, {"Authorization": f"Basic {token}"}):
                response = client.open(path, method=method, headers=headers)
                assert response.status_code == 401, (method, path, headers)
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
                assert response.json["error"]["code"] == "unauthorized"


def test_only_the_hash_of_a_token_is_stored_and_revoked_tokens_stop_working(app, runner):
    result = runner.invoke(args=["create-token", "budi"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(URL_PREFIX + "/me", headers=headers).json == {"name": "budi"}
    with app.app_context():
        stored = db.session.scalars(select(auth.ApiToken)).one()
        assert stored.token_hash == auth.hash_token(token) and token not in stored.token_hash
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        assert not path.exists() or token.encode() not in path.read_bytes()
    assert runner.invoke(args=["create-token", "budi"]).exit_code != 0  # one live token each
    assert runner.invoke(args=["revoke-token", "budi"]).exit_code == 0
    assert client.get(URL_PREFIX + "/me", headers=headers).status_code == 401


# -- businesses -------------------------------------------------------------------------

def test_created_business_is_searchable_when_the_answer_arrives(client, staff):
    response = staff.post("/businesses", json=NEW)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["slug"], body["district"], body["kelurahan"]) == (
        "soto-ayam-lombok-bu-tin", "klojen", "rampalcelaket")
    assert body["whatsapp"] == "+6281234567890" and body["products"] == ["soto ayam"]
    assert found(client, "lombok") == ["soto-ayam-lombok-bu-tin"]


def test_update_is_searchable_at_once_and_old_words_are_gone(client, staff):
    assert found(client, "rawon") == ["rawon-pak-darmo"]
    response = staff.patch("/businesses/rawon-pak-darmo",
                           json={"name": "Rawon Setan Pak Darmo", "whatsapp": "081299990000"})
    assert response.status_code == 200, response.json
    assert response.json["whatsapp"] == "+6281299990000"
    assert found(client, "setan") == ["rawon-pak-darmo"]
    assert client.get("/api/v1/businesses/rawon-pak-darmo").json["name"] == "Rawon Setan Pak Darmo"


@pytest.mark.parametrize("body, field", [
    ({**NEW, "id": 5}, "id"),
    ({**NEW, "created_at": "2024-01-01T00:00:00"}, "created_at"),
    ({**NEW, "rating": 5}, "rating"),
    ({**NEW, "category": "otomotif"}, "category"),
    ({**NEW, "kelurahan": "Atlantis"}, "kelurahan"),
    ({**NEW, "district": "Sukun"}, "district"),
    ({**NEW, "whatsapp": "12345"}, "whatsapp"),
    ({**NEW, "slug": "Bad Slug"}, "slug"),
    ({k: v for k, v in NEW.items() if k != "name"}, "name"),
])
def test_invalid_business_is_refused_with_422_naming_the_field(app, staff, body, field):
    response = staff.post("/businesses", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Business.id)).where(
            Business.name == NEW["name"])) == 0


@pytest.mark.parametrize("field", ["owner", "address", "description"])
def test_blank_optional_text_clears_the_field(staff, field):
    # "Empty means none" (OptionalText): a blank value clears it, it is not a 500.
    assert staff.patch("/businesses/rawon-pak-darmo", json={field: "x"}).status_code == 200
    for blank in ("", "   "):
        response = staff.patch("/businesses/rawon-pak-darmo", json={field: blank})
        assert response.status_code == 200, response.json
        assert response.json[field] is None
    response = staff.post("/businesses", json={**NEW, field: ""})
    assert response.status_code == 201, response.json
    assert response.json[field] is None


def test_numbers_beyond_the_database_integer_are_422_or_404(staff):
    feature_id = staff.get("/businesses/rawon-pak-darmo").json["features"][0]["id"]
    response = staff.patch(f"/features/{feature_id}", json={"reach": 10**30})
    assert response.status_code == 422 and "reach" in response.json["error"]["fields"]
    response = staff.post("/businesses/rawon-pak-darmo/features", json={
        "rubric": "umkm-of-the-week", "featured_on": "2023-02-03", "reach": 2**31})
    assert response.status_code == 422 and "reach" in response.json["error"]["fields"]
    huge = 10**20
    for method, path in (("patch", f"/features/{huge}"), ("delete", f"/features/{huge}"),
                         ("get", f"/jobs/{huge}")):
        response = getattr(staff, method)(path, json={})
        assert response.status_code == 404, (method, path, response.json)
        assert set(response.json) == {"error"}


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,  # deeper than Python's parser recurses
    '{"a": ' * 50_000 + "1" + "}" * 50_000,
    '{"name": "\\ud800"}',  # a lone surrogate: no UTF-8 text can hold it
    '{"name": "Rawon\\u0000"}',  # a NUL: PostgreSQL's text cannot hold it
    '{"products": [{"x": "\\u0000"}]}',
])
def test_a_json_body_that_cannot_be_text_is_400_in_the_error_shape(app, staff, body):
    for method, path in (("post", "/businesses"), ("patch", "/businesses/rawon-pak-darmo"),
                         ("post", "/businesses/rawon-pak-darmo/features")):
        response = getattr(staff, method)(path, data=body, content_type="application/json")
        assert_error_shape(response, 400)
    with app.app_context():
        assert db.session.scalar(select(Business.name).where(
            Business.slug == "rawon-pak-darmo")) == "Rawon Pak Darmo"


def test_appearance_dates_are_checked_on_a_29_february_too(staff, monkeypatch):
    class LeapDay(date):
        @classmethod
        def today(cls):
            return cls(2028, 2, 29)

    monkeypatch.setattr(import_fields, "date", LeapDay)
    response = staff.post("/businesses/rawon-pak-darmo/features",
                          json={"rubric": "umkm-of-the-week", "featured_on": "2028-02-25"})
    assert response.status_code == 201, response.json
    response = staff.post("/businesses/rawon-pak-darmo/features",
                          json={"rubric": "umkm-of-the-week", "featured_on": "2031-01-03"})
    assert_error_shape(response, 422)


def test_established_this_year_is_accepted_after_the_app_started(staff, monkeypatch):
    class NextYear(date):
        @classmethod
        def today(cls):
            return cls(date.today().year + 1, 1, 2)

    monkeypatch.setattr(import_fields, "date", NextYear)
    year = date.today().year + 1
    response = staff.patch("/businesses/rawon-pak-darmo", json={"established": year})
    assert response.status_code == 200, response.json
    response = staff.patch("/businesses/rawon-pak-darmo", json={"established": year + 1})
    assert_error_shape(response, 422)


def test_patch_rejects_dump_only_fields(staff):
    response = staff.patch("/businesses/rawon-pak-darmo", json={"updated_at": "2020-01-01"})
    assert response.status_code == 422 and "updated_at" in response.json["error"]["fields"]


def test_duplicate_slug_is_409_and_unknown_is_404(staff):
    assert staff.post("/businesses", json={**NEW, "slug": "rawon-pak-darmo"}).status_code == 409
    assert staff.patch("/businesses/nope", json={"name": "X"}).status_code == 404


def test_soft_delete_hides_everywhere_and_restore_brings_back(app, client, staff):
    assert staff.delete("/businesses/rawon-pak-darmo").json["deleted_at"]
    assert found(client, "rawon") == []
    assert client.get("/api/v1/businesses/rawon-pak-darmo").status_code == 404
    assert "rawon-pak-darmo" not in [f["business"]["slug"] for f in
                                     client.get("/api/v1/features?per_page=100").json["items"]]
    assert staff.get("/businesses/rawon-pak-darmo").json["deleted_at"]  # kept for staff
    assert staff.get("/businesses?deleted=only").json["total"] == 1
    assert staff.delete("/businesses/rawon-pak-darmo").status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Feature.id)).join(Business).where(
            Business.slug == "rawon-pak-darmo")) >= 1  # history kept
    assert staff.post("/businesses/rawon-pak-darmo/restore").json["deleted_at"] is None
    assert found(client, "rawon") == ["rawon-pak-darmo"]
    assert client.get("/api/v1/businesses/rawon-pak-darmo").status_code == 200


def test_appearances_are_added_corrected_and_removed(client, staff):
    response = staff.post("/businesses/rawon-pak-darmo/features",
                          json={"rubric": "umkm-of-the-week", "featured_on": "2025-06-06",
                                "post_url": "https://www.instagram.com/p/NEW1/"})
    assert response.status_code == 201, response.json
    feature_id = response.json["id"]
    detail = client.get("/api/v1/businesses/rawon-pak-darmo").json
    assert detail["latest_feature"]["featured_on"] == "2025-06-06"
    assert client.get("/api/v1/businesses?year=2025").json["items"][0]["slug"] == "rawon-pak-darmo"
    again = staff.post("/businesses/rawon-pak-darmo/features",
                       json={"rubric": "umkm-of-the-week", "featured_on": "2025-06-06"})
    assert again.status_code == 409
    assert staff.patch(f"/features/{feature_id}", json={"reach": 4200}).json["reach"] == 4200
    assert staff.patch(f"/features/{feature_id}", json={"id": 9}).status_code == 422
    assert staff.delete(f"/features/{feature_id}").status_code == 204
    assert client.get("/api/v1/businesses?year=2025").json["total"] == 0


def test_every_change_is_in_the_audit_log_with_before_and_after(staff):
    staff.post("/businesses", json=NEW)
    staff.patch("/businesses/soto-ayam-lombok-bu-tin", json={"owner": "Bu Tin"})
    staff.delete("/businesses/soto-ayam-lombok-bu-tin")
    log = staff.get("/audit?per_page=2").json
    assert log["total"] == 3 and log["links"]["next"]
    newest = log["items"][0]
    assert (newest["actor"], newest["action"], newest["target"]) == (
        "ani", "business.delete", "soto-ayam-lombok-bu-tin")
    assert newest["before"]["deleted_at"] is None and newest["after"]["deleted_at"]
    update = log["items"][1]
    assert (update["before"]["owner"], update["after"]["owner"]) == (None, "Bu Tin")


# -- uploads ----------------------------------------------------------------------------

def upload(staff, content: bytes, name: str = "minggu-ini.csv", dry_run: bool = False):
    query = "?dry_run=1" if dry_run else ""
    return staff.post("/imports" + query, data={"file": (io.BytesIO(content), name)},
                      content_type="multipart/form-data")


SHEET = ("\ufefftanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk\n"
         "06/06/2025;umkm-of-the-week;Pecel Madiun Mbok Sum;kuliner;Klojen;Kauman;pecel\n"
         "13/06/2025;umkm-of-the-week;Tanpa Kategori;;Klojen;Kauman;x\n").encode()


def test_upload_dry_run_reports_and_writes_nothing(app, client, staff):
    with app.app_context():
        before = db.session.scalar(select(func.count(Business.id)))
    response = upload(staff, SHEET, dry_run=True)
    assert response.status_code == 200, response.json
    report = response.json
    assert (report["dry_run"], report["new_businesses"], report["skipped"]) == (True, 1, 1)
    # The column as the sheet's header wrote it; a code, and the reason in both languages.
    assert report["errors"] == [{"line": 3, "column": "kategori", "field": "category",
                                 "code": "required", "params": {}, "reason": "is required",
                                 "reason_id": "wajib diisi"}]
    assert report["created"] == [{"slug": "pecel-madiun-mbok-sum",
                                  "name": "Pecel Madiun Mbok Sum"}]
    assert report["updated"] == []
    assert found(client, "pecel") == []
    with app.app_context():
        assert db.session.scalar(select(func.count(Business.id))) == before
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_upload_dry_run_names_updates_suggests_and_warns(staff):
    sheet = (b"tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk\n"
             b"06/06/2025;kuliner-legendaris;Keripik Tempe Bu Sri;kuliner;Blimbing;Purwantoro;"
             b"keripik tempe, sambal\n"
             b"06/06/2025;umkm-of-the-week;Toko X;kuliner;Lowokwaroe;Tlogomas;x\n")
    report = upload(staff, sheet, dry_run=True).json
    assert report["updated"] == [{"slug": "keripik-tempe-bu-sri",
                                  "name": "Keripik Tempe Bu Sri"}]
    (error,) = report["errors"]
    assert (error["column"], error["code"], error["params"]) == (
        "kecamatan", "unknown_kecamatan", {"value": "Lowokwaroe", "suggest": "Lowokwaru"})
    assert error["reason_id"].endswith("mungkin maksudnya 'Lowokwaru'?")
    (warning,) = report["warnings"]
    assert (warning["line"], warning["column"], warning["code"]) == (2, "produk",
                                                                      "products_commas")


def test_upload_imports_and_is_searchable_at_once(client, staff):
    report = upload(staff, SHEET).json
    assert (report["dry_run"], report["new_businesses"], report["new_features"]) == (False, 1, 1)
    assert found(client, "pecel") == ["pecel-madiun-mbok-sum"]
    entry = staff.get("/audit").json["items"][0]
    assert entry["action"] == "import" and entry["after"]["changed"] == ["pecel-madiun-mbok-sum"]
    assert upload(staff, SHEET).json["new_businesses"] == 0  # idempotent


def test_unreadable_upload_is_422_and_too_large_is_413(app, staff):
    response = upload(staff, b"\xff\xfe not utf-8", "x.csv")
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]
    assert upload(staff, b"a,b\n", "x.xlsx").status_code == 422
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(staff, SHEET * 100)
    assert response.status_code == 413 and response.json["error"]["status"] == 413


def test_upload_of_the_test_file_matches_the_cli_import(staff):
    report = upload(staff, (DATA / "businesses.csv").read_bytes(), "businesses.csv").json
    assert report["unchanged_rows"] == report["rows"] and report["errors"] == []


# -- reindex jobs -----------------------------------------------------------------------

def wait_for_job(staff, job_id: int, deadline: float = 30.0) -> dict:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        job = staff.get(f"/jobs/{job_id}").json
        if job["state"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still running")


def test_reindex_runs_as_a_job_and_a_second_one_gets_409(app, client, staff):
    index = app.extensions["search"]
    lock = index.build_lock()
    assert lock.acquire()  # a build running elsewhere (another process would do the same)
    try:
        response = staff.post("/reindex")
        assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    finally:
        lock.release()
    before = index.release_id()
    response = staff.post("/reindex")
    assert response.status_code == 202
    assert response.headers["Location"].endswith(f"/jobs/{response.json['id']}")
    job = wait_for_job(staff, response.json["id"])
    assert (job["state"], job["progress"], job["done"], job["error"]) == ("done", 1.0, 11, None)
    assert index.release_id() != before
    assert found(client, "rawon") == ["rawon-pak-darmo"]
    assert staff.get("/jobs").json["items"][0]["id"] == job["id"]


def test_a_job_left_running_by_a_dead_process_reads_as_failed(app, staff):
    from directory.jobs import ReindexJob
    silent = app.config["JOB_INTERRUPTED_AFTER_SECONDS"]
    with app.app_context():
        beat = utcnow() - timedelta(seconds=silent - 5)
        db.session.add(ReindexJob(actor="ani", total=5, heartbeat_at=beat))  # alive
        db.session.add(ReindexJob(actor="ani", total=5, heartbeat_at=beat - timedelta(
            seconds=10)))  # its process stopped beating
        db.session.add(ReindexJob(actor="ani", total=5, created_at=utcnow() - timedelta(
            seconds=silent + 1)))  # written before heartbeats existed
        db.session.commit()
    assert staff.get("/jobs/1").json["state"] == "running"
    for job_id in (2, 3):
        job = staff.get(f"/jobs/{job_id}").json
        assert job["state"] == "failed" and job["error"].startswith("interrupted"), job
        assert job["finished_at"] is not None


def test_a_job_that_finished_is_never_marked_interrupted(app, staff):
    from directory.jobs import ReindexJob
    with app.app_context():
        db.session.add(ReindexJob(actor="ani", total=5, done=5, state="done",
                                  heartbeat_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    job = staff.get("/jobs/1").json
    assert (job["state"], job["error"]) == ("done", None)


def test_the_openapi_document_declares_the_bearer_scheme(client):
    spec = client.get("/api/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/admin/reindex"]["post"]["security"] == [{"bearerAuth": []}]


def test_reindex_in_the_service_keeps_everything_searchable(app, client):
    with app.app_context():
        assert services.reindex() == 11
    assert found(client, "keripik")


def test_token_use_is_noted_and_listed_without_the_token(app, runner, staff, token):
    assert staff.get("/me").status_code == 200
    result = runner.invoke(args=["list-tokens"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("ani\t"))
    assert "last used -" not in line and "\tlive" in line
    assert token not in result.output


def test_the_staff_list_pages_with_links_like_every_other_list(staff):
    first = staff.get("/businesses?per_page=5").json
    assert (first["total"], len(first["items"])) == (11, 5)
    assert first["links"]["prev"] is None
    assert first["links"]["next"] == "/api/v1/admin/businesses?per_page=5&page=2"
