"""The change log and GET /api/v1/changes: an app applying the feed holds what the export holds."""

import io
import json

import pytest
from sqlalchemy import select

from directory import auth, changelog, services
from directory.admin import URL_PREFIX
from directory.changelog import ChangeEntry
from directory.models import Business, db
from tests.helpers import assert_error_shape


@pytest.fixture
def staff(app, client):
    with app.app_context():
        token = auth.create_token("ani")

    def call(method, path, **kwargs):
        headers = {"Authorization": f"Bearer {token}"}
        return getattr(client, method)(URL_PREFIX + path, headers=headers, **kwargs)
    return call


class Replica:
    """What a client app keeps: business id -> record, and its cursor (the docs' recipe)."""

    def __init__(self, client, limit=3):
        self.client, self.limit, self.cursor, self.records = client, limit, 0, {}

    def sync(self) -> int:
        calls = 0
        while True:
            page = self.client.get(f"/api/v1/changes?since={self.cursor}&limit={self.limit}")
            assert page.status_code == 200, page.data
            calls += 1
            for change in page.json["items"]:
                if change["kind"] == "deleted" or change["business"] is None:
                    self.records.pop(change["business_id"], None)
                else:
                    self.records[change["business_id"]] = change["business"]
            self.cursor = page.json["next_cursor"]
            if not page.json["has_more"]:
                return calls

    def by_slug(self) -> dict:
        return {r["slug"]: r for r in self.records.values()}


def exported(client) -> dict:
    lines = client.get("/api/v1/export/businesses.ndjson").get_data(as_text=True).splitlines()
    return {r["slug"]: r for r in map(json.loads, lines)}


def kinds(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.slug, e.kind) for e in db.session.scalars(
            select(ChangeEntry).order_by(ChangeEntry.id))]


SHEET = (b"tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk;jangkauan\n"
         b"06/06/2025;umkm-of-the-week;Pecel Madiun Mbok Sum;kuliner;Klojen;Kauman;pecel;900\n"
         b"13/06/2025;kuliner-legendaris;Keripik Tempe Bu Sri;kuliner;Blimbing;Purwantoro;"
         b"keripik tempe;\n")


def test_an_app_applying_the_feed_holds_what_the_export_holds(app, client, staff, tmp_path):
    replica = Replica(client)
    replica.sync()
    assert replica.by_slug() == exported(client)  # the import of the fixture, from cursor 0

    created = staff("post", "/businesses", json={
        "name": "Soto Ayam Bu Tin", "category": "kuliner", "kelurahan": "Rampal Celaket"})
    assert created.status_code == 201, created.data
    assert staff("patch", "/businesses/soto-ayam-bu-tin",
                 json={"owner": "Bu Tin", "slug": "soto-bu-tin"}).status_code == 200
    feature = staff("post", "/businesses/soto-bu-tin/features",
                    json={"rubric": "umkm-of-the-week", "featured_on": "2025-05-02",
                          "reach": 1200})
    assert feature.status_code == 201, feature.data
    replica.sync()  # in between: the client catches up on part of the story
    assert staff("patch", f"/features/{feature.json['id']}",
                 json={"reach": 1500}).status_code == 200
    assert staff("delete", "/businesses/keramik-sumber-rejeki").status_code == 200
    assert staff("delete", "/businesses/soto-bu-tin").status_code == 200
    assert staff("post", "/businesses/soto-bu-tin/restore").status_code == 200
    upload = staff("post", "/imports", data={"file": (io.BytesIO(SHEET), "minggu.csv")},
                   content_type="multipart/form-data")
    assert upload.status_code == 200, upload.data
    sheet = tmp_path / "cli.csv"
    sheet.write_bytes(SHEET.replace(b"Pecel Madiun Mbok Sum;kuliner;Klojen;Kauman;pecel;900",
                                    b"Pecel Madiun Mbok Sum;kuliner;Klojen;Kauman;pecel;950"))
    result = app.test_cli_runner().invoke(args=["import", str(sheet)])
    assert result.exit_code == 0, result.output
    last = staff("get", "/businesses/soto-bu-tin").json["features"][0]["id"]
    assert staff("delete", f"/features/{last}").status_code == 204

    replica.sync()
    assert replica.by_slug() == exported(client)
    assert "keramik-sumber-rejeki" not in replica.by_slug()
    assert replica.by_slug()["soto-bu-tin"]["features"] == []
    assert replica.by_slug()["pecel-madiun-mbok-sum"]["features"][0]["reach"] == 950

    assert staff("post", "/businesses/keramik-sumber-rejeki/restore").status_code == 200
    replica.sync()
    assert replica.by_slug() == exported(client)

    log = kinds(app)
    assert ("keramik-sumber-rejeki", "deleted") in log
    assert log[-1] == ("keramik-sumber-rejeki", "restored")
    assert [k for s, k in log if s in ("soto-ayam-bu-tin", "soto-bu-tin")] == [
        "created", "changed", "changed", "changed", "deleted", "restored", "changed"]


def test_a_refused_or_dry_run_write_logs_nothing(app, client, staff):
    before = kinds(app)
    duplicate = staff("post", "/businesses", json={
        "name": "Keripik Tempe Bu Sri", "category": "kuliner", "kelurahan": "Purwantoro"})
    assert duplicate.status_code == 409
    dry = staff("post", "/imports?dry_run=1",
                data={"file": (io.BytesIO(SHEET), "minggu.csv")},
                content_type="multipart/form-data")
    assert dry.status_code == 200 and dry.json["new_businesses"] == 1
    assert staff("patch", "/businesses/keripik-tempe-bu-sri",
                 json={"name": "Keripik Tempe Bu Sri"}).status_code == 200  # no change
    assert kinds(app) == before


def test_a_rolled_back_transaction_leaves_no_entry(app):
    with app.app_context():
        before = changelog.latest_cursor()
        business = db.session.scalars(select(Business)).first()
        business.owner = "Someone Else"
        db.session.flush()
        assert changelog.latest_cursor() == before + 1  # written by the flush itself
        db.session.rollback()
        assert changelog.latest_cursor() == before


def test_tombstone_has_slug_and_time_but_no_record(client, staff):
    cursor = client.get("/api/v1/changes?limit=1000").json["next_cursor"]
    staff("delete", "/businesses/keripik-tempe-bu-sri")
    page = client.get(f"/api/v1/changes?since={cursor}").json
    assert [(c["kind"], c["slug"], c["business"]) for c in page["items"]] == [
        ("deleted", "keripik-tempe-bu-sri", None)]
    assert page["items"][0]["at"] and page["has_more"] is False
    assert page["next_cursor"] == page["items"][0]["cursor"] > cursor
    empty = client.get(f"/api/v1/changes?since={page['next_cursor']}").json
    assert empty["items"] == [] and empty["next_cursor"] == page["next_cursor"]


@pytest.mark.parametrize("query", ["since=-1", "since=x", "limit=0", "limit=1001",
                                   "since=99999999999"])
def test_bad_cursor_or_limit_is_422(client, query):
    assert_error_shape(client.get(f"/api/v1/changes?{query}"), 422)


def test_init_db_backfills_an_empty_log_once(app):
    with app.app_context():
        live = services.count_live()
        db.session.execute(ChangeEntry.__table__.delete())
        db.session.commit()
    runner = app.test_cli_runner()
    assert f"{live} businesses logged as created" in runner.invoke(args=["init-db"]).output
    assert "Change log started" not in runner.invoke(args=["init-db"]).output
    assert [k for _, k in kinds(app)] == ["created"] * live
