"""The staff import format (DATA-FORMAT.md), rule by rule."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from directory import normalise as import_fields
from directory import services
from directory.importers import ImportFileError
from directory.models import Business, Feature, db
from directory.normalise import featured_date, instagram_handle, whatsapp_number

DATA = Path(__file__).parent / "data"
HEADER = ("featured_on,rubric,slug,name,owner,category,district,kelurahan,address,products,"
          "description,instagram,whatsapp,website,post_url,reach,established\n")


def counts():
    return (db.session.scalar(select(func.count(Business.id))),
            db.session.scalar(select(func.count(Feature.id))))


def business(slug):
    return db.session.scalars(select(Business).where(Business.slug == slug)).one()


def test_semicolon_file_with_bom_and_indonesian_headers_imports(empty_app, write_file):
    content = (
        "\ufefftanggal;rubrik;nama_usaha;pemilik;kategori;kecamatan;kelurahan;alamat;produk;"
        "deskripsi;tahun_berdiri;tautan_posting;jangkauan\n"
        "07/05/2021;umkm-of-the-week;Kopi Ngalam;Andi;kuliner;KLOJEN;Rampal Celaket;Jl. A;"
        "\"kopi bubuk; kopi susu\";Kedai kopi.;2019;https://www.instagram.com/p/X1/;3.120\n"
        "2021-05-14;ekraf-of-the-week;Rotan Jaya;;perabot;klojen;rampalcelaket;;kursi rotan;;"
        ";;\n"
    )
    # Saved by a spreadsheet set to Indonesian: ";" delimiter, BOM, CRLF line ends.
    path = write_file("sheet.csv", content.replace("\n", "\r\n").encode("utf-8"))
    with empty_app.app_context():
        report = services.import_file(path)
        assert report.errors == []
        assert (report.new_businesses, report.new_features) == (2, 2)
        kopi = business("kopi-ngalam")
        assert kopi.kelurahan_slug == "rampalcelaket"
        assert kopi.kecamatan.name == "Klojen"
        assert kopi.products == ["kopi bubuk", "kopi susu"]
        assert kopi.features[0].reach == 3120
        assert kopi.features[0].featured_on.isoformat() == "2021-05-07"
        assert business("rotan-jaya").kelurahan_slug == "rampalcelaket"


@pytest.mark.parametrize("spelling", ["Rampal Celaket", "Rampalcelaket", "rampal-celaket",
                                      "RAMPALCELAKET"])
def test_kelurahan_matches_ignoring_case_spaces_and_hyphens(empty_app, write_file, spelling):
    path = write_file("k.csv", HEADER + f"2021-05-07,umkm-of-the-week,,Toko A,,kuliner,"
                                        f"Klojen,{spelling},,,,,,,,,\n")
    with empty_app.app_context():
        report = services.import_file(path)
        assert report.errors == []
        assert business("toko-a").kelurahan_slug == "rampalcelaket"


def test_importing_twice_changes_nothing_the_second_time(app, write_file):
    with app.app_context():
        before = counts()
        report = services.import_file(DATA / "businesses.csv")
        assert counts() == before
        assert (report.new_businesses, report.new_features, report.updated_businesses) == (0, 0, 0)
        assert report.unchanged_rows == report.rows


def test_latest_row_gives_the_details(app):
    with app.app_context():
        sri = business("keripik-tempe-bu-sri")
        assert sri.address == "Jl. Sanan No. 12A"
        assert "keripik tempe original" in sri.products
        assert [f.featured_on.isoformat() for f in sri.features] == ["2022-03-04", "2021-05-07"]


def test_an_older_file_does_not_undo_newer_details(app, write_file):
    path = write_file("old.csv", HEADER + "2021-01-01,umkm-of-the-week,keripik-tempe-bu-sri,"
                      "Keripik Tempe Bu Sri,,kuliner,Blimbing,Purwantoro,Jl. Lama,,,,,,,,\n")
    with app.app_context():
        report = services.import_file(path)
        assert report.new_features == 1 and report.updated_businesses == 0
        assert business("keripik-tempe-bu-sri").address == "Jl. Sanan No. 12A"


BAD_ROWS = [
    ("2021-05-07,umkm-of-the-week,,,,kuliner,Blimbing,Purwantoro,,,,,,,,,", "name",
     "is required"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,makanan,Blimbing,Purwantoro,,,,,,,,,", "category",
     "unknown category"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Dinoyo,,,,,,,,,", "kelurahan",
     "not in kecamatan"),
    ("2021-13-40,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Purwantoro,,,,,,,,,",
     "featured_on", "not a date"),
    ("2021-05-07,weekly,,Toko X,,kuliner,Blimbing,Purwantoro,,,,,,,,,", "rubric",
     "unknown rubric"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Batu,Purwantoro,,,,,,,,,", "district",
     "not a kecamatan"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Purwantoro,,,,,0212345,,,,",
     "whatsapp", "not an Indonesian mobile number"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Purwantoro,,,,,,,,banyak,",
     "reach", "not a whole number"),
    # More than the database's INTEGER holds (PostgreSQL's is 32-bit): a row error, not a crash.
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Purwantoro,,,,,,,,"
     "99999999999999999999999,", "reach", "too large"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Purwantoro,,,,,,,,,3000",
     "established", "not a plausible year"),
    ("2021-05-07,umkm-of-the-week,Bad Slug,Toko X,,kuliner,Blimbing,Purwantoro,,,,,,,,,",
     "slug", "lowercase"),
    ("2021-05-07,umkm-of-the-week,,Toko X,,kuliner,Blimbing,Purwantoro,,,,not a handle!,,,,,",
     "instagram", "not an Instagram handle"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_bad_row_is_reported_with_line_and_column_and_good_rows_kept(
        empty_app, write_file, row, column, reason):
    good = "2021-06-04,umkm-of-the-week,,Toko Baik,,kuliner,Sukun,Bandulan,,,,,,,,,\n"
    path = write_file("bad.csv", HEADER + good + row + "\n" + good.replace("Baik", "Lain"))
    with empty_app.app_context():
        report = services.import_file(path)
        assert report.skipped == 1
        messages = [str(e) for e in report.errors]
        assert any(m.startswith(f"line 3: {column}: ") and reason in m for m in messages), messages
        assert report.new_businesses == 2
        assert counts() == (2, 2)


@pytest.mark.parametrize(("content", "reason"), [
    (b"\xff\xfe n\x00a\x00m\x00e\x00", "starts as UTF-16 but is not"),
    # An .xlsx (a zip) renamed .csv: no text encoding reads it.
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U0#\xf4", "not a text file"),
    ("nama;alamat\nToko;Jl\n", "missing required column"),
    ("", "empty"),
    (HEADER + '2021-05-07,"umkm-of-the-week\n', "not readable as CSV"),
])
def test_unreadable_file_changes_nothing_and_says_why(app, write_file, content, reason):
    path = write_file("broken.csv", content)
    with app.app_context():
        before = counts()
        with pytest.raises(ImportFileError, match=reason):
            services.import_file(path)
        assert counts() == before


@pytest.mark.parametrize(("content", "reason"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('[{"featured_on": "2021-05-07", "rubric": "umkm-of-the-week", "name": "Toko \\ud800",'
     ' "category": "kuliner", "district": "Sukun", "kelurahan": "Sukun"}]', "surrogate"),
    ('{"featured_on": "2021-05-07"}', "must be a list"),
])
def test_unreadable_json_changes_nothing_and_says_why(app, write_file, content, reason):
    path = write_file("broken.json", content)
    with app.app_context():
        before = counts()
        for dry_run in (True, False):
            with pytest.raises(ImportFileError, match=reason):
                services.import_file(path, dry_run=dry_run)
        assert counts() == before


def test_dry_run_reports_and_writes_nothing(empty_app):
    with empty_app.app_context():
        report = services.import_file(DATA / "businesses.csv", dry_run=True)
        assert (report.new_businesses, report.new_features) == (11, 12)
        assert counts() == (0, 0)
        assert set(empty_app.extensions["search"].stored_fields()) == set()


def test_json_rows_and_json_businesses_with_features(empty_app, write_file):
    rows = [{"featured_on": "2021-05-07", "rubric": "umkm-of-the-week", "name": "Sambel Bu Tin",
             "category": "kuliner", "district": "Sukun", "kelurahan": "Pisang Candi",
             "products": ["sambel bawang", "sambel teri"], "reach": 900, "established": 2001}]
    businesses = [{"name": "Gerabah Betek", "category": "kriya", "district": "Klojen",
                   "kelurahan": "Penanggungan", "products": ["gerabah"],
                   "features": [{"featured_on": "2021-05-14", "rubric": "ekraf-of-the-week"},
                                {"featured_on": "2022-05-13", "rubric": "umkm-of-the-week",
                                 "post_url": "https://www.instagram.com/p/G2/"}]}]
    with empty_app.app_context():
        first = services.import_file(write_file("rows.json", json.dumps(rows)))
        second = services.import_file(write_file("b.json", json.dumps(businesses, indent=2)))
        assert (first.new_businesses, first.new_features) == (1, 1)
        assert (second.new_businesses, second.new_features) == (1, 2)
        assert business("sambel-bu-tin").products == ["sambel bawang", "sambel teri"]
        assert business("sambel-bu-tin").kelurahan_slug == "pisangcandi"


def test_json_errors_name_the_line_of_the_record(empty_app, write_file):
    text = ('[\n  {"featured_on": "2021-05-07", "rubric": "umkm-of-the-week", "name": "A",\n'
            '   "category": "kuliner", "district": "Sukun", "kelurahan": "Sukun"},\n'
            '  {"featured_on": "2021-05-07", "rubric": "umkm-of-the-week", "name": "B",\n'
            '   "category": "nope", "district": "Sukun", "kelurahan": "Sukun"}\n]\n')
    with empty_app.app_context():
        report = services.import_file(write_file("lines.json", text))
        assert [str(e) for e in report.errors] == ["line 4: category: unknown category 'nope'"]


def test_skipped_counts_rows_even_when_they_share_a_line(empty_app, write_file):
    # A JSON file saved on one line (or one business with several features) puts several
    # rows on one line: each bad row is still one skipped row.
    good = {"featured_on": "2021-05-07", "rubric": "umkm-of-the-week", "name": "A",
            "category": "kuliner", "district": "Sukun", "kelurahan": "Sukun"}
    rows = [good, {**good, "name": "B", "category": "nope"}, {**good, "name": "C",
                                                                 "category": "nope"}, 5]
    with empty_app.app_context():
        report = services.import_file(write_file("one-line.json", json.dumps(rows)))
        assert (report.rows, report.skipped, report.new_businesses) == (4, 3, 1)
        assert "skipped 3 of 4 rows" in report.summary()


def test_dates_are_checked_on_a_29_february_too(monkeypatch):
    class LeapDay(date):
        @classmethod
        def today(cls):
            return cls(2028, 2, 29)

    monkeypatch.setattr(import_fields, "date", LeapDay)
    assert featured_date("29/02/2028") == date(2028, 2, 29)
    assert featured_date("2029-01-04") == date(2029, 1, 4)
    with pytest.raises(ValueError, match="out of range"):
        featured_date("2029-03-02")


@pytest.mark.parametrize(("typed", "stored"), [
    ("081234567890", "+6281234567890"), ("6281234567890", "+6281234567890"),
    ("+62 812-3456-7890", "+6281234567890"), ("0812 3456 7890", "+6281234567890"),
    ("(0812) 3456.7890", "+6281234567890"),
])
def test_whatsapp_numbers_are_normalised(typed, stored):
    assert whatsapp_number(typed) == stored


@pytest.mark.parametrize("typed", ["0812345678\u00b2", "0812345678\u0669",
                                   "081234567\uff18\uff19", "\u00b2"])
def test_numbers_are_ascii_digits(typed):
    # str.isdigit() is true for superscripts and other scripts' digits: they were stored
    # as '+62812345678\u00b2' or failed with int()'s message instead of the format's.
    with pytest.raises(ValueError, match="is not"):
        whatsapp_number(typed)
    with pytest.raises(ValueError, match="is not a whole number"):
        import_fields.whole_number(typed)


@pytest.mark.parametrize("typed", ["@kripik_contoh", "kripik_contoh",
                                   "https://www.instagram.com/kripik_contoh/",
                                   "instagram.com/kripik_contoh?igsh=abc"])
def test_instagram_handles_are_normalised(typed):
    assert instagram_handle(typed) == "kripik_contoh"


def test_the_index_reflects_an_import_when_it_returns(empty_app, write_file):
    path = write_file("one.csv", HEADER + "2021-05-07,umkm-of-the-week,,Cwie Mie Pak No,,"
                      "kuliner,Lowokwaru,Dinoyo,,cwie mie,,,,,,,\n")
    with empty_app.app_context():
        services.import_file(path)
        ids = {b.id for b in db.session.scalars(select(Business))}
        assert set(empty_app.extensions["search"].stored_fields()) == ids
    response = empty_app.test_client().get("/api/v1/businesses?q=cwie")
    assert [i["slug"] for i in response.get_json()["items"]] == ["cwie-mie-pak-no"]


def test_a_csv_saved_with_mac_line_ends_imports(empty_app, write_file):
    content = (HEADER + "2021-05-07,umkm-of-the-week,,Toko Satu,,kuliner,Sukun,Sukun,,,,,,,,,\n"
               "2021-05-14,umkm-of-the-week,,Toko Dua,,kuliner,Sukun,Sukun,,,,,,,,,\n")
    path = write_file("mac.csv", content.replace("\n", "\r").encode())
    with empty_app.app_context():
        report = services.import_file(path)
        assert report.errors == [] and report.new_businesses == 2


def test_a_nul_character_in_a_cell_is_a_row_error(empty_app, write_file):
    rows = [{"featured_on": "2021-05-07", "rubric": "umkm-of-the-week", "name": "Toko\u0000A",
             "category": "kuliner", "district": "Sukun", "kelurahan": "Sukun"}]
    with empty_app.app_context():
        report = services.import_file(write_file("nul.json", json.dumps(rows)))
        assert [str(e) for e in report.errors] == ["line 1: name: contains a NUL character"]
        assert counts() == (0, 0)


# -- reports staff can act on (issue 9: staff import) ------------------------------------

INDONESIAN_HEADER = "tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk\n"


def notes(report, kind="errors"):
    return [(n.line, n.column, n.code, n.reason, n.reason_id) for n in getattr(report, kind)]


@pytest.mark.parametrize(("row", "column", "code", "english", "indonesian"), [
    ("06/06/2025;umkm-of-the-week;Toko X;kuliner;Lowokwaroe;Tlogomas;x", "kecamatan",
     "unknown_kecamatan", "'Lowokwaroe' is not a kecamatan of Kota Malang; did you mean "
     "'Lowokwaru'?", "'Lowokwaroe' bukan kecamatan di Kota Malang; mungkin maksudnya "
     "'Lowokwaru'?"),
    ("06/06/2025;umkm-of-the-week;Toko X;kuliner;Lowokwaru;Tlogomass;x", "kelurahan",
     "unknown_kelurahan", "'Tlogomass' is not a kelurahan of Kota Malang; did you mean "
     "'Tlogomas'?", "'Tlogomass' bukan kelurahan di Kota Malang; mungkin maksudnya 'Tlogomas'?"),
    ("06/06/2025;umkm-of-the-week;Toko X;kulinerr;Lowokwaru;Tlogomas;x", "kategori",
     "unknown_category", "unknown category 'kulinerr'; did you mean 'kuliner'?",
     "kategori 'kulinerr' tidak dikenal; mungkin maksudnya 'kuliner'?"),
    ("06/06/2025;umkm-of-the-week;Toko X;kuliner;Blimbing;Tlogomas;x", "kelurahan",
     "kelurahan_elsewhere", "'Tlogomas' is not in kecamatan Blimbing (it is in Lowokwaru)",
     "'Tlogomas' tidak berada di kecamatan Blimbing (ada di kecamatan Lowokwaru)"),
    ("31/02/2025;umkm-of-the-week;Toko X;kuliner;Lowokwaru;Tlogomas;x", "tanggal",
     "date_no_day", "'31/02/2025' does not exist: February 2025 has 28 days",
     "tanggal '31/02/2025' tidak ada: Februari 2025 hanya 28 hari"),
    ("2025-13-01;umkm-of-the-week;Toko X;kuliner;Lowokwaru;Tlogomas;x", "tanggal",
     "date_no_month", "'2025-13-01' is not a date: there is no month 13",
     "'2025-13-01' bukan tanggal: tidak ada bulan ke-13"),
    ("6 Juni 2025;umkm-of-the-week;Toko X;kuliner;Lowokwaru;Tlogomas;x", "tanggal",
     "date_format", "'6 Juni 2025' is not a date (use YYYY-MM-DD)",
     "'6 Juni 2025' bukan tanggal (tulis TTTT-BB-HH, mis. 2025-06-06)"),
    (";umkm-of-the-week;Toko X;kuliner;Lowokwaru;Tlogomas;x", "tanggal", "required",
     "is required", "wajib diisi"),
])
def test_a_rejected_row_names_the_column_as_written_says_why_in_both_languages_and_suggests(
        empty_app, write_file, row, column, code, english, indonesian):
    path = write_file("sheet.csv", INDONESIAN_HEADER + row + "\n")
    with empty_app.app_context():
        report = services.import_file(path)
    assert notes(report) == [(2, column, code, english, indonesian)]
    assert str(report.errors[0]) == f"line 2: {column}: {english}"  # the CLI's line


def test_an_unknown_column_is_named_once_as_written(empty_app, write_file):
    path = write_file("sheet.csv", INDONESIAN_HEADER.replace("\n", ";Catatan Staf\n") +
                      "06/06/2025;umkm-of-the-week;Toko X;kuliner;Klojen;Kauman;x;ok\n")
    with empty_app.app_context():
        report = services.import_file(path)
    assert [str(w) for w in report.warnings] == [
        "column 'Catatan Staf' is not part of the format and was ignored"]
    assert report.warnings[0].reason_id == ("kolom 'Catatan Staf' bukan bagian dari format "
                                            "dan diabaikan")


def test_a_headers_case_is_kept_in_the_report(empty_app, write_file):
    path = write_file("sheet.csv", "Tanggal,Rubrik,Nama Usaha,Kategori,Kecamatan,Kelurahan\n"
                      "2025-06-06,umkm-of-the-week,Toko X,kuliner,Lowokwaroe,Tlogomas\n")
    with empty_app.app_context():
        report = services.import_file(path)
    assert [(e.column, e.field) for e in report.errors] == [("Kecamatan", "district")]


def test_a_missing_column_is_named_in_both_forms(empty_app, write_file):
    path = write_file("sheet.csv", "tanggal;rubrik;nama_usaha;kategori;kelurahan\n")
    with empty_app.app_context(), pytest.raises(ImportFileError,
                                                match=r"district \(kecamatan\)"):
        services.import_file(path)


WINDOWS_SHEET = ("tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan;produk;deskripsi\n"
                 "06/06/2025;umkm-of-the-week;Café Ngalam;kuliner;Klojen;Kauman;kopi;"
                 "“Kopi terbaik” – kata pelanggan\n")


@pytest.mark.parametrize(("encoding", "named"), [("cp1252", "Windows-1252"),
                                                  ("mac_roman", "Mac Roman")])
def test_excels_plain_csv_save_is_decoded_and_the_report_says_so(
        empty_app, write_file, encoding, named):
    path = write_file("excel.csv", WINDOWS_SHEET.encode(encoding))
    with empty_app.app_context():
        report = services.import_file(path)
        assert report.errors == [] and report.new_businesses == 1
        assert business("cafe-ngalam").name == "Café Ngalam"
        assert business("cafe-ngalam").description == "“Kopi terbaik” – kata pelanggan"
    (warning,) = report.warnings
    assert warning.code == "encoding" and named in warning.reason
    assert f"dibaca sebagai {named}" in warning.reason_id


def test_a_single_accent_that_fits_both_legacy_encodings_is_read_as_windows(
        empty_app, write_file):
    sheet = INDONESIAN_HEADER + "06/06/2025;umkm-of-the-week;Kopi Léak;kuliner;Klojen;Kauman;x\n"
    with empty_app.app_context():
        report = services.import_file(write_file("excel.csv", sheet.encode("cp1252")))
        assert business("kopi-leak").name == "Kopi Léak"
    assert "Windows-1252" in report.warnings[0].reason


def test_excels_unicode_text_utf16_imports_without_a_warning(empty_app, write_file):
    sheet = WINDOWS_SHEET.replace(";", "\t")
    with empty_app.app_context():
        report = services.import_file(write_file("unicode.csv", sheet.encode("utf-16")))
        assert report.errors == [] and report.warnings == []
        assert business("cafe-ngalam").name == "Café Ngalam"


def test_products_separated_by_commas_are_one_product_with_a_warning(empty_app, write_file):
    sheet = (INDONESIAN_HEADER +
             "06/06/2025;umkm-of-the-week;Toko Satu;kuliner;Klojen;Kauman;"
             "keripik tempe, keripik usus, sambal\n"
             "06/06/2025;umkm-of-the-week;Toko Dua;kuliner;Klojen;Kauman;"
             '"keripik tempe, pedas; sambal"\n')
    with empty_app.app_context():
        report = services.import_file(write_file("p.csv", sheet))
        # DATA-FORMAT.md: products are separated by ";" -- a comma stays inside a product.
        assert business("toko-satu").products == ["keripik tempe, keripik usus, sambal"]
        assert business("toko-dua").products == ["keripik tempe, pedas", "sambal"]
    assert notes(report, "warnings") == [(
        2, "produk", "products_commas",
        "'keripik tempe, keripik usus, sambal' is read as one product: products are "
        "separated by ';'",
        "'keripik tempe, keripik usus, sambal' dibaca sebagai satu produk: pisahkan produk "
        "dengan ';'")]


def test_a_duplicated_row_is_imported_once_with_a_warning(empty_app, write_file):
    row = "06/06/2025;umkm-of-the-week;Toko Satu;kuliner;Klojen;Kauman;x\n"
    sheet = INDONESIAN_HEADER + row + "2025-06-06;umkm-of-the-week;Toko Satu;kuliner;Klojen;" \
        "Kauman;x\n" + row.replace("06/06", "13/06")
    with empty_app.app_context():
        report = services.import_file(write_file("d.csv", sheet))
        assert counts() == (1, 2)
    assert [(n.line, n.code, n.reason) for n in report.warnings] == [
        (3, "duplicate_row", "repeats line 2: the same business, rubric and date")]
    assert str(report.warnings[0]) == ("line 3: repeats line 2: the same business, rubric "
                                       "and date")


def test_the_dry_run_lists_the_businesses_it_would_create_and_update(app, write_file):
    sheet = (INDONESIAN_HEADER +
             "06/06/2025;umkm-of-the-week;Pecel Mbok Sum;kuliner;Klojen;Kauman;pecel\n"
             # An existing business gets a new appearance: updated.
             "06/06/2025;kuliner-legendaris;Keripik Tempe Bu Sri;kuliner;Blimbing;Purwantoro;"
             "keripik tempe\n")
    with app.app_context():
        before = counts()
        report = services.import_file(write_file("w.csv", sheet), dry_run=True)
        assert counts() == before
    assert report.created == [{"slug": "pecel-mbok-sum", "name": "Pecel Mbok Sum"}]
    assert report.updated == [{"slug": "keripik-tempe-bu-sri", "name": "Keripik Tempe Bu Sri"}]
