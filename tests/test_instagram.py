"""The city's Instagram archive -> drafts -> reviewed and published businesses."""

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from directory.admin import URL_PREFIX
from directory.audit import AuditEntry
from directory.instagram import archive, extract
from directory.instagram.drafts import InstagramDraft
from directory.models import db
from tests.helpers import assert_error_shape, staff

NOT_AN_IMAGE = b"\xff\xd8\xff\xe0 not really a JPEG"


def jpeg(colour: str) -> bytes:
    """A real photo as a phone writes it: with the GPS position in its EXIF."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (7.0, 58.0, 0.0), 3: "E", 4: (112.0, 37.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "JPEG", exif=exif)
    return out.getvalue()

TUTIK = ("UMKM OF THE WEEK 🌟\nKeripik Tempe Mbak Tutik\n\nHalo Sobat Malang! Minggu ini kami "
         "mengenalkan keripik tempe renyah dari Kampung Sanan, Kelurahan Purwantoro.\n"
         "📍 Jl. Sanan Gg. 3 No. 12, Purwantoro\n📞 WA 0812-3456-7001\n"
         "IG @keripiktutik_contoh\n\n#UMKMofTheWeek #PemkotMalang @pemkotmalang")
RAWON = ("Kuliner Legendaris: Rawon Mbah Ndut ☕\nWarung rawon sejak 1965 di Kauman, Klojen. "
         "Café kecil di belakangnya menjual kopi.\nJalan Kauman No. 7\n#kuliner_legendaris")
KERAMIK = ("Ekraf Of The Week\nKeramik Sumber Rejeki\nPerajin vas keramik Dinoyo. Kunjungi "
           "@keramiksr_contoh.\n#EkrafOfTheWeek")
NO_TAG = "Selamat Hari Jadi Kota Malang ke-110!\n#MalangKuCeria"

T_TUTIK, T_RAWON, T_KERAMIK, T_NO_TAG = 1_652_400_000, 1_659_000_000, 1_680_000_000, 1_690_000_000


def mojibake(text: str) -> str:
    """How the archive writes text: UTF-8 bytes, each as a \\u00XX character."""
    return text.encode("utf-8").decode("latin-1")


def archive_zip(root: str = "your_instagram_activity/content", extra: dict | None = None) -> bytes:
    posts = [
        {"media": [{"uri": "media/posts/202205/tutik1.jpg", "creation_timestamp": T_TUTIK,
                    "title": mojibake(TUTIK)},
                   {"uri": "media/posts/202205/tutik2.jpg", "creation_timestamp": T_TUTIK,
                    "title": ""}]},
        {"title": mojibake(RAWON), "creation_timestamp": T_RAWON,
         "media": [{"uri": "media/posts/202207/rawon.jpg", "creation_timestamp": T_RAWON}],
         "unknown_field": {"ignored": True}},
        {"media": [{"uri": "media/posts/202303/keramik.jpg", "creation_timestamp": T_KERAMIK,
                    "title": mojibake(KERAMIK)}]},
        {"media": [{"uri": "media/posts/202307/hut.jpg", "creation_timestamp": T_NO_TAG,
                    "title": mojibake(NO_TAG)}]},
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{root}/posts_1.json", json.dumps(posts))  # ensure_ascii: \u00XX escapes
        zf.writestr("media/posts/202205/tutik1.jpg", jpeg("orange"))
        zf.writestr("media/posts/202205/tutik2.jpg", jpeg("brown"))
        zf.writestr("media/posts/202207/rawon.jpg", NOT_AN_IMAGE)
        zf.writestr("media/posts/202303/keramik.jpg", jpeg("teal"))
        zf.writestr("your_instagram_activity/likes/liked_posts.json", "{}")
        for name, content in (extra or {}).items():
            zf.writestr(name, content)
    return buffer.getvalue()


def listing_page() -> bytes:
    def stamp(seconds):
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    return json.dumps({"data": [
        {"id": "17900000000000001", "caption": TUTIK, "timestamp": stamp(T_TUTIK),
         "permalink": "https://www.instagram.com/p/CdTutik01/", "media_type": "CAROUSEL_ALBUM",
         "media_url": "https://scontent.example/t.jpg"},
        {"id": "17900000000000002", "caption": RAWON, "timestamp": stamp(T_RAWON + 30),
         "permalink": "https://www.instagram.com/p/CgRawon02/", "media_type": "IMAGE",
         "media_url": "https://scontent.example/r.jpg"},
    ], "paging": {"cursors": {"before": "x", "after": "y"}}}).encode()


def upload(client, token, data, name="instagram.zip", dry_run=False):
    return staff(client, token, "post", f"/instagram/imports?dry_run={int(dry_run)}",
                 data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# -- reading ------------------------------------------------------------------------------

def test_mojibake_is_decoded_and_real_text_left_alone():
    assert archive.fix_mojibake(mojibake("Café ☕ – ’")) == "Café ☕ – ’"
    assert archive.fix_mojibake("Café") == "Café"  # not UTF-8 bytes: kept
    assert archive.fix_mojibake("☕") == "☕"  # beyond Latin-1: kept


@pytest.mark.parametrize("root", ["your_instagram_activity/content", "content"])
def test_both_archive_layouts_are_read_with_their_images(root):
    posts = archive.read(archive_zip(root), "x.zip")
    assert [p.taken_at.timestamp() for p in posts] == [T_NO_TAG, T_KERAMIK, T_RAWON, T_TUTIK]
    tutik = posts[-1]
    assert tutik.caption == TUTIK
    assert [m.data for m in tutik.media] == [jpeg("orange"), jpeg("brown")]
    assert posts[-2].caption == RAWON  # the caption on the post, not on its media


def test_a_listing_gives_the_archive_posts_their_permalinks():
    posts = archive.read_many([(archive_zip(), "a.zip"), (listing_page(), "page1.json")])
    by_time = {int(p.taken_at.timestamp()): p for p in posts}
    assert len(posts) == 4
    assert by_time[T_TUTIK].permalink == "https://www.instagram.com/p/CdTutik01/"
    assert by_time[T_TUTIK].instagram_id == "17900000000000001"
    assert by_time[T_RAWON].permalink == "https://www.instagram.com/p/CgRawon02/"  # 30 s apart


@pytest.mark.parametrize(("members", "reason"), [
    ({"../evil.json": "[]"}, "outside the archive"),
    ({"/etc/passwd.json": "[]"}, "outside the archive"),
    ({"C:/x.json": "[]"}, "outside the archive"),
    ({"content/bomb.jpg": b"\0" * (20 * 1024 * 1024)}, "ZIP bomb"),
])
def test_hostile_zips_are_refused(members, reason):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content/posts_1.json", "[]")
        for name, content in members.items():
            zf.writestr(zipfile.ZipInfo(name), content, zipfile.ZIP_DEFLATED)
    with pytest.raises(archive.ArchiveError, match=reason):
        archive.read(buffer.getvalue(), "hostile.zip")


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 5)
    with pytest.raises(archive.ArchiveError, match="at most 5"):
        archive.read(archive_zip(), "many.zip")


# -- extraction ---------------------------------------------------------------------------

def test_fields_are_extracted_with_the_line_they_came_from():
    taken = datetime.fromtimestamp(T_TUTIK, UTC)
    fields = extract.extract(TUTIK, taken, frozenset({"pemkotmalang"}))
    values = {k: v["value"] for k, v in fields.items()}
    assert values["rubric"] == "umkm-of-the-week"
    assert values["name"] == "Keripik Tempe Mbak Tutik" and fields["name"]["line"] == 2
    assert values["instagram"] == "keripiktutik_contoh"  # not the city's own account
    assert values["whatsapp"] == "+6281234567001" and fields["whatsapp"]["line"] == 6
    assert values["address"] == "Jl. Sanan Gg. 3 No. 12, Purwantoro"
    assert (values["kelurahan"], values["district"]) == ("purwantoro", "blimbing")
    assert values["sentra"] == "Kampung Sanan"
    assert values["category"] == "kuliner"
    assert "keripik tempe" in values["products"]
    assert values["featured_on"] == "2022-05-13"  # the post time, in WIB
    assert "#UMKMofTheWeek" not in values["description"]


def test_the_name_follows_a_rubric_heading_and_tags_spelled_otherwise_count():
    fields = extract.extract(RAWON, datetime.fromtimestamp(T_RAWON, UTC), frozenset())
    assert fields["rubric"]["value"] == "kuliner-legendaris"  # #kuliner_legendaris
    assert fields["name"]["value"] == "Rawon Mbah Ndut"
    assert fields["address"]["value"] == "Jalan Kauman No. 7"
    assert fields["district"]["value"] == "klojen"


def test_a_post_without_a_rubric_hashtag_is_no_draft():
    assert extract.extract(NO_TAG, datetime.now(UTC), frozenset()) is None


# -- drafts, review, publish --------------------------------------------------------------

def test_an_archive_becomes_drafts_once_and_nothing_is_public(app, client, token):
    dry = upload(client, token, archive_zip(), dry_run=True).json
    assert (dry["drafts"], dry["skipped_no_rubric"], dry["matches"]) == (3, 1, 1)
    assert staff(client, token, "get", "/instagram/drafts").json["total"] == 0

    report = upload(client, token, archive_zip()).json
    assert (report["posts"], report["drafts"], report["skipped_no_rubric"]) == (4, 3, 1)
    again = upload(client, token, archive_zip()).json
    assert (again["drafts"], again["already_imported"]) == (0, 3)
    listing = upload(client, token, listing_page(), "page1.json").json
    assert (listing["drafts"], listing["already_imported"]) == (0, 2)  # permalinks added

    drafts = staff(client, token, "get", "/instagram/drafts").json["items"]
    assert [d["values"]["name"] for d in drafts] == [
        "Keramik Sumber Rejeki", "Rawon Mbah Ndut", "Keripik Tempe Mbak Tutik"]
    assert drafts[2]["values"]["post_url"] == "https://www.instagram.com/p/CdTutik01/"
    assert drafts[2]["photos"] == 2
    assert drafts[0]["match_slug"] == "keramik-sumber-rejeki"
    assert drafts[0]["match_reason"] == "same Instagram account"
    assert client.get("/api/v1/businesses?q=tutik").json["total"] == 0


def test_reviewed_drafts_are_published_searchable_and_audited(app, client, token):
    upload(client, token, archive_zip())
    drafts = {d["values"]["name"]: d for d in
              staff(client, token, "get", "/instagram/drafts").json["items"]}
    tutik = drafts["Keripik Tempe Mbak Tutik"]
    fixed = staff(client, token, "patch", f"/instagram/drafts/{tutik['id']}",
                  json={"name": "Keripik Tempe Bu Tutik"})
    assert fixed.json["values"]["name"] == "Keripik Tempe Bu Tutik"
    published = staff(client, token, "post", f"/instagram/drafts/{tutik['id']}/publish",
                      json={})
    assert published.status_code == 200, published.json
    assert published.json["state"] == "published"
    slug = published.json["business_slug"]
    detail = client.get(f"/api/v1/businesses/{slug}").json
    assert detail["name"] == "Keripik Tempe Bu Tutik"
    assert [f["featured_on"] for f in detail["features"]] == ["2022-05-13"]
    assert client.get("/api/v1/businesses?q=tutik").json["items"][0]["slug"] == slug
    # The post's two images, through the photo pipeline: resized, GPS gone.
    assert len(detail["photos"]) == 2
    assert published.json["notes"] == []
    from PIL import Image
    with app.app_context():
        photo_dir = Path(app.config["PHOTO_DIR"])
        stored = list(photo_dir.rglob("*.jpg"))
        assert stored
        for path in stored:
            with Image.open(path) as image:
                assert 0x8825 not in image.getexif()

    keramik = drafts["Keramik Sumber Rejeki"]
    merged = staff(client, token, "post", f"/instagram/drafts/{keramik['id']}/publish",
                   json={"merge_into": keramik["match_slug"]})
    assert merged.json["business_slug"] == "keramik-sumber-rejeki"
    features = client.get("/api/v1/businesses/keramik-sumber-rejeki").json["features"]
    assert "2023-03-28" in [f["featured_on"] for f in features]

    rawon = drafts["Rawon Mbah Ndut"]
    assert staff(client, token, "post", f"/instagram/drafts/{rawon['id']}/discard") \
        .json["state"] == "discarded"
    assert_error_shape(staff(client, token, "post", f"/instagram/drafts/{rawon['id']}/publish",
                             json={}), 409)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEntry))]
        assert {"instagram.publish", "instagram.discard", "business.create",
                "feature.create", "photo.create"} <= set(actions)
        assert db.session.scalars(select(InstagramDraft.state)).all().count("pending") == 0


def test_an_image_the_pipeline_refuses_is_left_out_with_a_note(client, token):
    upload(client, token, archive_zip())
    rawon = next(d for d in staff(client, token, "get", "/instagram/drafts").json["items"]
                 if d["values"]["name"] == "Rawon Mbah Ndut")
    staff(client, token, "patch", f"/instagram/drafts/{rawon['id']}",
          json={"category": "kuliner", "kelurahan": "kauman"})
    published = staff(client, token, "post", f"/instagram/drafts/{rawon['id']}/publish", json={})
    assert published.status_code == 200, published.json
    assert published.json["notes"] == ["foto-1.jpg is damaged or not a complete image."]
    slug = published.json["business_slug"]
    assert client.get(f"/api/v1/businesses/{slug}").json["photos"] == []


def test_an_incomplete_draft_says_what_to_fix(client, token):
    upload(client, token, archive_zip())
    draft = staff(client, token, "get", "/instagram/drafts").json["items"][1]
    staff(client, token, "patch", f"/instagram/drafts/{draft['id']}",
          json={"kelurahan": None, "category": None})
    error = assert_error_shape(staff(client, token, "post",
                                     f"/instagram/drafts/{draft['id']}/publish", json={}), 422)
    assert {"kelurahan", "category"} <= set(error["fields"])


def test_unreadable_uploads_answer_422_and_the_routes_need_a_token(client, token):
    error = assert_error_shape(upload(client, token, b"not a zip", "x.json"), 422)
    assert "not JSON" in error["fields"]["file"][0]
    assert client.get(URL_PREFIX + "/instagram/drafts").status_code == 401


def test_the_cli_reads_archive_and_listing_together(app, tmp_path):
    (tmp_path / "a.zip").write_bytes(archive_zip())
    (tmp_path / "p.json").write_bytes(listing_page())
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-instagram", str(tmp_path / "a.zip"),
                              str(tmp_path / "p.json"), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing written: would propose 3 drafts (1 matching" in dry.output
    result = runner.invoke(args=["import-instagram", str(tmp_path / "a.zip"),
                                 str(tmp_path / "p.json")])
    assert "Proposed 3 drafts" in result.output
    again = runner.invoke(args=["import-instagram", str(tmp_path / "a.zip")])
    assert "Proposed 0 drafts" in again.output and "3 imported before" in again.output
