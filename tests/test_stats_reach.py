"""Reach sums with missing figures, distinct businesses, cadence and the city's figures."""

from directory import services
from directory.reference import reference_data

HEADER = "tanggal,rubrik,nama_usaha,kategori,kecamatan,kelurahan,jangkauan\n"
ROWS = [  # one business twice, one post without a figure, one deleted later
    "2024-01-05,umkm-of-the-week,Soto A,kuliner,Klojen,Kauman,1000",
    "2024-01-12,umkm-of-the-week,Soto A,kuliner,Klojen,Kauman,",
    "2024-01-19,ekraf-of-the-week,Batik B,fesyen,Sukun,Gadang,2500",
    "2024-02-23,kuliner-legendaris,Rawon C,kuliner,Klojen,Kauman,",
    "2024-03-01,umkm-of-the-week,Kopi D,kuliner,Blimbing,Jodipan,99999",
]


def stats_after(app, client):
    with app.app_context():
        report = services.import_bytes((HEADER + "\n".join(ROWS) + "\n").encode(), "r.csv")
        assert not report.errors, report.errors
        from directory import staff
        staff.delete_business("kopi-d")
    return client.get("/api/v1/stats").json


def test_reach_sums_say_how_many_posts_had_a_figure(empty_app):
    stats = stats_after(empty_app, empty_app.test_client())
    reach = stats["reach"]
    assert reach["total"] == {"sum": 3500, "posts_with_reach": 2, "posts": 4, "complete": False}
    by_rubric = {r["slug"]: r for r in reach["by_rubric"]}
    assert by_rubric["umkm-of-the-week"]["sum"] == 1000
    assert by_rubric["umkm-of-the-week"]["posts_with_reach"] == 1
    assert by_rubric["ekraf-of-the-week"]["complete"] is True
    # No figure at all is no sum, not zero.
    assert by_rubric["kuliner-legendaris"] == {
        "slug": "kuliner-legendaris", "label": "Kuliner Legendaris", "sum": None,
        "posts_with_reach": 0, "posts": 1, "complete": False}
    by_kecamatan = {k["name"]: k for k in reach["by_kecamatan"]}
    assert (by_kecamatan["Klojen"]["sum"], by_kecamatan["Klojen"]["posts"]) == (1000, 3)
    assert by_kecamatan["Klojen"]["code"] == "35.73.02"
    assert by_kecamatan["Blimbing"]["posts"] == 0  # the deleted business does not count
    assert [(y["year"], y["sum"]) for y in reach["by_year"]] == [(2024, 3500)]
    kuliner = next(c for c in reach["by_category"] if c["slug"] == "kuliner")
    assert (kuliner["sum"], kuliner["posts_with_reach"], kuliner["posts"]) == (1000, 1, 3)


def test_distinct_businesses_and_weekly_cadence(empty_app):
    stats = stats_after(empty_app, empty_app.test_client())
    assert stats["totals"]["featured_businesses"] == 3
    assert stats["totals"]["appearances"] == 4
    cadence = stats["cadence"]
    # Posts in the weeks of 1, 8, 15 January and 19 February: 4 of 8 weeks.
    assert (cadence["weeks"], cadence["weeks_with_post"]) == (8, 4)
    assert cadence["posts_per_month"] == 2.0
    assert cadence["longest_gap_days"] == 35
    assert cadence["gaps"] == [{"from": "2024-01-19", "to": "2024-02-23", "days": 35}]


def test_an_empty_directory_has_no_reach_and_no_cadence(empty_app):
    stats = empty_app.test_client().get("/api/v1/stats").json
    assert stats["reach"]["total"]["sum"] is None
    assert stats["cadence"]["weeks"] == 0 and stats["cadence"]["gaps"] == []


def test_city_register_figures_come_from_data_with_source_and_date(client):
    register = client.get("/api/v1/stats").json["city_register"]
    assert register == reference_data()["city_register"]
    figures = {r["key"]: r for r in register}
    assert figures["registered_umkm"]["value"] == 85200
    assert figures["curated_umkm"]["value"] == 21176
    for figure in register:
        assert figure["source"] and figure["as_of"] and figure["as_of_label"]
