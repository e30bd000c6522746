"""The staff and operator commands, run through app.test_cli_runner()."""

from pathlib import Path

from sqlalchemy import func, select

from directory import changelog, services
from directory.models import Business, Kelurahan, db

DATA = Path(__file__).parent / "data"


def test_init_db_is_idempotent(empty_app):
    runner = empty_app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "57 kelurahan" in result.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Kelurahan)) == 57


def test_import_prints_a_summary_and_exits_0_with_skipped_rows(empty_app, write_file):
    path = write_file("mixed.csv", (DATA / "businesses.csv").read_text()
                      + "2021-05-07,umkm-of-the-week,,,,kuliner,Blimbing,Purwantoro,,,,,,,,,,\n")
    result = empty_app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 14: name: is required" in result.output
    assert "Added 11 new businesses and 12 new appearances" in result.output
    assert "skipped 1 of 13 rows" in result.output


def test_import_dry_run_writes_nothing(empty_app):
    result = empty_app.test_cli_runner().invoke(
        args=["import", str(DATA / "businesses.csv"), "--dry-run"])
    assert result.exit_code == 0
    assert "Dry run, nothing written: would add 11 new businesses" in result.output
    with empty_app.app_context():
        assert services.count_live() == 0


def test_import_dry_run_lists_what_it_would_create_and_update_in_english(app, write_file):
    path = write_file("week.csv", "tanggal;rubrik;nama_usaha;kategori;kecamatan;kelurahan\n"
                      "06/06/2025;umkm-of-the-week;Pecel Mbok Sum;kuliner;Klojen;Kauman\n"
                      "06/06/2025;kuliner-legendaris;Keripik Tempe Bu Sri;kuliner;Blimbing;"
                      "Purwantoro\n"
                      "31/02/2025;umkm-of-the-week;Toko X;kuliner;Lowokwaroe;Tlogomas\n")
    result = app.test_cli_runner().invoke(args=["import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "would create: Pecel Mbok Sum (pecel-mbok-sum)" in lines
    assert "would update: Keripik Tempe Bu Sri (keripik-tempe-bu-sri)" in lines
    assert "line 4: tanggal: '31/02/2025' does not exist: February 2025 has 28 days" in lines
    assert ("line 4: kecamatan: 'Lowokwaroe' is not a kecamatan of Kota Malang; did you mean "
            "'Lowokwaru'?") in lines


def test_unreadable_file_exits_non_zero_and_changes_nothing(app, write_file):
    path = write_file("notes.csv", "just some notes\nno header here\n")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "nothing changed" in result.output and "missing required column" in result.output
    with app.app_context():
        assert services.count_live() == 11


def test_reindex_rebuilds_the_index_from_the_database(app):
    index = app.extensions["search"]
    before = index.release_id()
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "Indexed 11 businesses." in result.output
    assert index.release_id() != before
    with app.app_context():
        assert set(index.stored_fields()) == set(db.session.scalars(select(Business.id)))


def test_seed_loads_the_fictional_sample_through_the_importer(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        businesses = list(db.session.scalars(select(Business)))
        assert len(businesses) >= 120
        assert all(b.fictional for b in businesses)
        assert len({b.category_slug for b in businesses}) == 9
        assert len({b.kelurahan.kecamatan_slug for b in businesses}) == 5
        assert len(set(empty_app.extensions["search"].stored_fields())) == len(businesses)
    again = runner.invoke(args=["seed", "--if-empty"])
    assert "already has businesses" in again.output


def test_init_db_rebuilds_an_index_written_by_an_older_version(app):
    from whoosh.fields import ID, Schema

    index = app.extensions["search"]
    current = index.schema
    index.schema = Schema(id=ID(stored=True, unique=True))  # what an old release had
    index.rebuild([])
    index.schema = current
    assert not index.is_current()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt: 11 businesses." in result.output
    assert index.is_current()
    assert app.test_client().get("/api/v1/businesses?q=rawon").get_json()["total"] == 1


def test_init_db_leaves_a_current_index_alone(app):
    before = app.extensions["search"].release_id()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert "rebuilt" not in result.output
    assert app.extensions["search"].release_id() == before


def test_init_db_applies_changes_the_index_has_not_applied_yet(app):
    index = app.extensions["search"]
    with app.app_context():
        rawon = db.session.scalars(select(Business).where(Business.slug == "rawon-pak-darmo")
                                   ).one()
        rawon.products = ["soto daging"]
        db.session.commit()  # logged by the commit; no process applied it (one killed after)
        assert index.position() < changelog.latest_cursor()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert "1 changes of the change log applied" in result.output
    with app.app_context():
        assert index.position() == changelog.latest_cursor()
    assert app.test_client().get("/api/v1/businesses?q=soto").get_json()["total"] == 1
    again = app.test_cli_runner().invoke(args=["init-db"])
    assert "applied" not in again.output
