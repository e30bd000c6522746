"""Photos: the Pillow pipeline (privacy, refusals, renditions), staff API, files, .zip import."""

import io
import struct
import zipfile
import zlib

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from directory import auth, photos, services
from directory.admin import URL_PREFIX
from directory.models import Business, Photo, db
from tests.helpers import StaffClient, assert_error_shape

GPS = {1: "S", 2: (7.0, 58.0, 30.0), 3: "E", 4: (112.0, 37.0, 45.0)}


def image_bytes(fmt="JPEG", size=(2000, 1000), color=(200, 80, 40), exif=None, **save) -> bytes:
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 50):  # some detail, so sizes differ by width
        image.paste((x % 255, 120, 200), (x, 0, x + 10, size[1]))
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, fmt, **save)
    return out.getvalue()


def camera_jpeg() -> bytes:
    """A phone photo: GPS position, camera make, and 'rotate 90° clockwise' in EXIF."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "KameraContoh"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    return image_bytes(size=(2000, 1000), exif=exif)


def png_bomb(width=30000, height=30000) -> bytes:
    """A tiny PNG whose header claims 900 million pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


@pytest.fixture
def staff(app):
    with app.app_context():
        token = auth.create_token("ani")
    return StaffClient(app.test_client(), token)


def upload(staff, data, name="foto.jpg", slug="keripik-tempe-bu-sri", **form):
    return staff.post(f"/businesses/{slug}/photos", content_type="multipart/form-data",
                      data={"file": (io.BytesIO(data), name), **form})


# -- the pipeline -------------------------------------------------------------------------------

def test_upload_strips_exif_and_gps_and_applies_the_orientation(app, client, staff):
    original = camera_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo) == GPS
    response = upload(staff, original, caption="Keripik tempe dijemur")
    assert response.status_code == 201, response.json
    photo = response.json
    # Rotated upright: the 2000×1000 sensor image stands 1000 wide, stored at most 1280 wide.
    assert (photo["width"], photo["height"]) == (1000, 2000)
    files = list((app.config["PHOTO_DIR"] and photos.stored_digests(app.config["PHOTO_DIR"]))
                 .values())[0]
    assert len(files) == 6  # 320, 640 and 1000 wide, each WebP and JPEG
    for path in files:
        data = path.read_bytes()
        stored = Image.open(io.BytesIO(data))
        assert not stored.getexif(), path.name  # no EXIF at all, so no GPS
        assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
        assert b"Exif" not in data and b"KameraContoh" not in data
        assert "exif" not in stored.info and "xmp" not in stored.info
        assert stored.height > stored.width  # orientation applied
    public = client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["photos"][0]
    assert public["alt"] == "Keripik tempe dijemur"  # the caption is the default alt text
    for url in [public["src"], public["large"], *[s.split()[0] for s in
                                                  public["srcset"].split(", ")]]:
        served = client.get(url)
        assert served.status_code == 200
        assert b"Exif" not in served.data


def test_resized_widths_exist_as_webp_and_jpeg(app, client, staff):
    photo = upload(staff, image_bytes(size=(3000, 2000))).json
    public = client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["photo"]
    assert public["srcset"] == ", ".join(
        f"/photos/{public['large'].split('/')[2].split('-')[0]}-{w}.webp {w}w"
        for w in (320, 640, 1280))
    for width in (320, 640, 1280):
        for extension, kind in (("webp", "WEBP"), ("jpg", "JPEG")):
            name = public["srcset"].split()[0].replace("-320.webp", f"-{width}.{extension}")
            served = client.get(name)
            assert served.status_code == 200
            image = Image.open(io.BytesIO(served.data))
            assert image.format == kind and image.width == width
            assert image.height == round(2000 * width / 3000)
    assert (photo["width"], photo["height"]) == (1280, 853)


@pytest.mark.parametrize(("data", "name", "status", "words"), [
    (b"hello, this is text", "foto.jpg", 415, "not a JPEG"),
    (image_bytes("PNG", size=(300, 300)), "foto.jpg", 415, "holds a PNG"),  # a PNG renamed
    (image_bytes(size=(300, 300)), "foto.png", 415, "holds a JPEG"),
    (image_bytes("GIF", size=(300, 300)), "foto.gif", 415, "not a JPEG"),
    (image_bytes(size=(300, 300))[:600], "foto.jpg", 422, "damaged"),
    (png_bomb(), "bom.png", 422, "decompression bomb"),
    (image_bytes(size=(40, 40)), "kecil.jpg", 422, "at least 64"),
])
def test_refusals_are_clear_4xx(staff, data, name, status, words):
    error = assert_error_shape(upload(staff, data, name), status)
    assert words in error["message"] and error["fields"]["file"]


def test_content_type_that_lies_is_refused(staff):
    response = staff.post("/businesses/keripik-tempe-bu-sri/photos",
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(image_bytes("PNG", size=(300, 300))),
                                         "foto", "image/jpeg")})
    assert_error_shape(response, 415)


def test_over_the_size_cap_is_413(app, staff):
    app.config["PHOTO_MAX_BYTES"] = 10_000
    # Under 500 KB: a larger test body is spooled to a file the test client leaves open.
    error = assert_error_shape(upload(staff, image_bytes(size=(600, 400), quality=95)), 413)
    assert "larger than" in error["message"]


def test_pixels_over_the_configured_limit_are_a_bomb(app, staff):
    app.config["PHOTO_MAX_PIXELS"] = 100_000
    assert_error_shape(upload(staff, image_bytes(size=(400, 400))), 422)


def test_heic_is_read_when_pillow_heif_is_installed(staff):
    pillow_heif = pytest.importorskip("pillow_heif")
    heif = pillow_heif.from_pillow(Image.new("RGB", (800, 600), (30, 140, 60)))
    out = io.BytesIO()
    heif.save(out, quality=70)
    response = upload(staff, out.getvalue(), "IMG_0001.HEIC")
    assert response.status_code == 201, response.json
    assert (response.json["width"], response.json["height"]) == (800, 600)


def test_heic_without_a_decoder_is_refused_clearly(staff, monkeypatch):
    monkeypatch.setattr(photos, "HEIC_SUPPORTED", False)
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    error = assert_error_shape(upload(staff, data, "IMG_0001.heic"), 415)
    assert "HEIC" in error["message"] and "JPEG" in error["message"]


def test_transparent_png_and_webp_are_flattened_onto_white():
    image = Image.new("RGBA", (200, 200), (255, 0, 0, 0))
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        image.save(out, fmt)
        prepared = photos.prepare(out.getvalue(), filename=f"x.{fmt.lower()}")
        jpeg = Image.open(io.BytesIO(prepared.renditions[(200, "jpg")]))
        assert jpeg.getpixel((100, 100)) >= (250, 250, 250)


def test_the_same_picture_is_stored_once(app, staff):
    data = image_bytes(size=(700, 500))
    assert upload(staff, data).status_code == 201
    assert_error_shape(upload(staff, data), 409)
    assert upload(staff, data, slug="keramik-sumber-rejeki").status_code == 201
    assert len(photos.stored_digests(app.config["PHOTO_DIR"])) == 1


# -- staff editing ------------------------------------------------------------------------------

def test_staff_caption_alt_credit_reorder_and_remove(app, client, staff):
    ids = [upload(staff, image_bytes(size=(500 + n * 10, 400)), f"f{n}.jpg",
                  caption=f"Foto {n}", credit="Humas").json["id"] for n in range(3)]
    listed = staff.get("/businesses/keripik-tempe-bu-sri/photos").json
    assert [p["id"] for p in listed] == ids and [p["position"] for p in listed] == [0, 1, 2]
    patched = staff.patch(f"/photos/{ids[1]}", json={"alt": "Tempe diiris tipis",
                                                     "credit": "Dinas Kominfo"})
    assert patched.status_code == 200 and patched.json["alt"] == "Tempe diiris tipis"
    assert_error_shape(staff.patch(f"/photos/{ids[1]}", json={"digest": "x"}), 422)
    order = [ids[1], ids[2], ids[0]]
    assert [p["id"] for p in staff.put("/businesses/keripik-tempe-bu-sri/photos/order",
                                       json={"photos": order}).json] == order
    first = client.get("/api/v1/businesses?q=keripik").json["items"][0]["photo"]
    assert first["id"] == ids[1] and first["alt"] == "Tempe diiris tipis"
    assert first["credit"] == "Dinas Kominfo"
    assert_error_shape(staff.put("/businesses/keripik-tempe-bu-sri/photos/order",
                                 json={"photos": ids[:2]}), 422)
    gone = client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["photos"][2]
    assert staff.delete(f"/photos/{ids[0]}").status_code == 204
    assert client.get(gone["src"]).status_code == 404
    assert len(photos.stored_digests(app.config["PHOTO_DIR"])) == 2
    assert_error_shape(staff.delete(f"/photos/{ids[0]}"), 404)
    audit = staff.get("/audit?target=keripik-tempe-bu-sri").json["items"]
    assert {"photo.create", "photo.update", "photo.reorder", "photo.delete"} <= {
        e["action"] for e in audit}


def test_photo_routes_need_a_token(client):
    assert_error_shape(client.post(URL_PREFIX + "/businesses/keripik-tempe-bu-sri/photos"), 401)
    assert_error_shape(client.delete(URL_PREFIX + "/photos/1"), 401)


def test_files_are_cached_for_a_year_and_hidden_with_a_deleted_business(client, staff):
    upload(staff, image_bytes(size=(700, 500)))
    src = client.get("/api/v1/businesses/keripik-tempe-bu-sri").json["photo"]["src"]
    served = client.get(src)
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.mimetype == "image/jpeg"
    assert client.get(src.replace(".jpg", ".webp")).mimetype == "image/webp"
    assert client.get("/photos/../../etc/passwd").status_code == 404
    assert client.get("/photos/" + "a" * 64 + "-320.jpg").status_code == 404
    staff.delete("/businesses/keripik-tempe-bu-sri")
    assert client.get(src).status_code == 404


def test_cleanup_removes_orphan_files_only(app, staff):
    upload(staff, image_bytes(size=(700, 500)))
    orphan = photos.prepare(image_bytes(size=(600, 500)))
    photos.write_files(app.config["PHOTO_DIR"], orphan)  # files whose commit never came
    assert len(photos.stored_digests(app.config["PHOTO_DIR"])) == 2
    runner = app.test_cli_runner()
    assert "Removed 0" in runner.invoke(args=["cleanup-photos"]).output  # within the grace
    result = runner.invoke(args=["cleanup-photos", "--grace", "0"])
    assert "Removed 4 orphan photo files." in result.output
    assert set(photos.stored_digests(app.config["PHOTO_DIR"])) != {orphan.digest}
    assert len(photos.stored_digests(app.config["PHOTO_DIR"])) == 1


def test_add_photo_is_a_service_function_bytes_in_record_out(app):
    from directory import gallery

    with app.app_context():
        business = db.session.scalars(select(Business).limit(1)).one()
        photo = gallery.add_photo(business, camera_jpeg(), filename="ig.jpg", caption="Dari IG",
                                  credit="@kripikbusri_contoh")
        db.session.commit()
        assert isinstance(photo, Photo) and photo.id and photo.widths == [320, 640, 1000]


# -- .zip import ------------------------------------------------------------------------------

SHEET = ("featured_on,rubric,name,category,district,kelurahan,photos\n"
         "2024-03-01,umkm-of-the-week,Soto Zip,kuliner,Klojen,Kauman,foto/soto.jpg; mangkok.png\n"
         "2024-03-08,umkm-of-the-week,Bakso Zip,kuliner,Klojen,Kauman,tidak-ada.jpg\n")


def make_zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_import_adds_the_photos_its_sheet_names_and_is_idempotent(empty_app):
    data = make_zip({"data.csv": SHEET.encode(), "foto/soto.jpg": camera_jpeg(),
                     "mangkok.png": image_bytes("PNG", size=(400, 300))})
    with empty_app.app_context():
        report = services.import_bytes(data, "minggu-ini.zip")
        assert [(e.line, e.column) for e in report.errors] == [(3, "photos")]
        assert "not in the zip" in report.errors[0].reason
        assert report.new_photos == 2 and report.new_businesses == 1
        soto = db.session.scalars(select(Business).where(Business.slug == "soto-zip")).one()
        assert [p.width for p in soto.photos] == [1000, 400]
        again = services.import_bytes(data, "minggu-ini.zip")
        assert again.new_photos == 0 and again.new_businesses == 0
        assert len(db.session.scalars(select(Photo)).all()) == 2


def test_zip_dry_run_counts_photos_and_writes_nothing(empty_app):
    data = make_zip({"data.csv": SHEET.encode(), "foto/soto.jpg": camera_jpeg(),
                     "mangkok.png": image_bytes("PNG", size=(400, 300))})
    with empty_app.app_context():
        report = services.import_bytes(data, "a.zip", dry_run=True)
        assert report.new_photos == 2
        assert db.session.scalars(select(Photo)).all() == []
    assert photos.stored_digests(empty_app.config["PHOTO_DIR"]) == {}


def test_zip_photo_that_is_not_an_image_skips_its_row(empty_app):
    data = make_zip({"data.csv": SHEET.encode(), "foto/soto.jpg": b"not a photo",
                     "mangkok.png": image_bytes("PNG", size=(400, 300))})
    with empty_app.app_context():
        report = services.import_bytes(data, "a.zip")
        assert [e.line for e in report.errors] == [2, 3]
        assert "not a JPEG" in report.errors[0].reason


@pytest.mark.parametrize("name", ["../evil.jpg", "/etc/evil.jpg", "foto/../../evil.jpg",
                                  "C:/evil.jpg", "foto\\..\\evil.jpg"])
def test_zip_slip_is_refused_whole(empty_app, name):
    from directory.importers import ImportFileError

    data = make_zip({"data.csv": SHEET.encode(), name: image_bytes(size=(300, 300))})
    with empty_app.app_context():
        with pytest.raises(ImportFileError, match="unsafe path"):
            services.import_bytes(data, "a.zip")
        assert db.session.scalars(select(Business)).all() == []


def test_zip_bomb_is_refused_whole(empty_app):
    from directory.importers import ImportFileError

    bomb = make_zip({"data.csv": SHEET.encode(), "foto/soto.jpg": b"\x00" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with empty_app.app_context():
        with pytest.raises(ImportFileError, match="zip bomb"):
            services.import_bytes(bomb, "a.zip")
        assert db.session.scalars(select(Business)).all() == []
    ratio = make_zip({"data.csv": SHEET.encode(), "foto/soto.jpg": b"\x00" * (5 * 1024 * 1024)})
    with empty_app.app_context(), pytest.raises(ImportFileError, match="compressed more"):
        services.import_bytes(ratio, "a.zip")


@pytest.mark.parametrize(("entries", "words"), [
    ({"a.jpg": b"x"}, "exactly one"),
    ({"a.csv": SHEET.encode(), "b.json": b"[]"}, "exactly one"),
])
def test_zip_without_one_sheet_is_refused(empty_app, entries, words):
    from directory.importers import ImportFileError

    with empty_app.app_context(), pytest.raises(ImportFileError, match=words):
        services.import_bytes(make_zip(entries), "a.zip")


def test_staff_upload_of_a_zip_and_of_garbage_named_zip(staff):
    data = make_zip({"data.csv": SHEET.encode(), "foto/soto.jpg": camera_jpeg(),
                     "mangkok.png": image_bytes("PNG", size=(400, 300))})
    response = staff.post("/imports", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(data), "minggu.zip")})
    assert response.status_code == 200, response.json
    assert response.json["new_photos"] == 2
    bad = staff.post("/imports", content_type="multipart/form-data",
                     data={"file": (io.BytesIO(b"not a zip"), "minggu.zip")})
    assert "not a readable .zip" in assert_error_shape(bad, 422)["message"]


def test_photos_column_in_a_plain_sheet_is_a_warning(empty_app):
    with empty_app.app_context():
        report = services.import_bytes(SHEET.encode(), "a.csv")
        assert report.errors == [] and report.new_businesses == 2
        assert any("photos" in str(w) and "zip" in str(w) for w in report.warnings)


def test_openapi_documents_the_photo_routes_and_the_new_fields(client):
    spec = client.get("/api/openapi.json").json
    upload = spec["paths"]["/api/v1/admin/businesses/{slug}/photos"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"413", "415"} <= set(upload["responses"])
    assert "/api/v1/admin/photos/{photo_id}" in spec["paths"]
    assert "/api/v1/admin/businesses/{slug}/photos/order" in spec["paths"]
    schemas = spec["components"]["schemas"]
    summary = schemas["BusinessSummary"]["properties"]
    assert {"price_range", "order_links", "qris", "halal_certified", "photo"} <= set(summary)
    assert {"nib", "halal", "pirt", "photos"} <= set(schemas["BusinessDetail"]["properties"])
    names = {p["name"] for p in spec["paths"]["/api/v1/businesses"]["get"]["parameters"]}
    assert {"price", "price_max", "halal", "qris"} <= names
