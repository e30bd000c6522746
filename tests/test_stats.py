"""GET /api/v1/stats: counts by place, category, rubric and time that add up."""


def test_stats_totals_agree_with_the_lists(client):
    stats = client.get("/api/v1/stats").json
    totals = stats["totals"]
    assert totals["businesses"] == client.get("/api/v1/businesses").json["total"]
    assert totals["appearances"] == client.get("/api/v1/features").json["total"]
    for key in ("by_kecamatan", "by_kelurahan", "by_category"):
        assert sum(row["businesses"] for row in stats[key]) == totals["businesses"], key
        assert sum(row["appearances"] for row in stats[key]) == totals["appearances"], key
    assert sum(row["appearances"] for row in stats["by_rubric"]) == totals["appearances"]
    assert sum(row["appearances"] for row in stats["by_year"]) == totals["appearances"]
    assert sum(row["appearances"] for row in stats["by_month"]) == totals["appearances"]


def test_every_place_and_category_is_listed_with_zeros(client):
    stats = client.get("/api/v1/stats").json
    assert len(stats["by_kecamatan"]) == 5
    assert len(stats["by_kelurahan"]) == 57
    assert len(stats["by_category"]) == 9
    assert any(row["businesses"] == 0 for row in stats["by_kelurahan"])


def test_months_run_without_holes_from_first_to_last(client):
    stats = client.get("/api/v1/stats").json
    months = [row["month"] for row in stats["by_month"]]
    assert months[0] == stats["totals"]["first_featured_on"][:7]
    assert months[-1] == stats["totals"]["last_featured_on"][:7]
    for earlier, later in zip(months, months[1:], strict=False):
        year, month = map(int, earlier.split("-"))
        assert later == (f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")
    for row in stats["by_month"]:
        assert sum(row["by_rubric"].values()) == row["appearances"]


def test_kecamatan_by_year_answers_when_each_was_featured(client):
    stats = client.get("/api/v1/stats").json
    klojen = next(row for row in stats["by_kecamatan"] if row["slug"] == "klojen")
    assert sum(klojen["appearances_by_year"].values()) == klojen["appearances"]


def test_empty_directory_has_zero_stats(empty_app):
    stats = empty_app.test_client().get("/api/v1/stats").json
    assert stats["totals"]["businesses"] == 0 and stats["by_month"] == []
    assert stats["totals"]["first_featured_on"] is None
