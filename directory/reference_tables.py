"""Copy the reference data (`reference.py`) into its database tables; safe to run again."""

from .models import Category, Kecamatan, Kelurahan, Rubric, db
from .reference import reference_data


def load_reference_data() -> dict[str, int]:
    """Insert or update categories, rubrics and places; return how many of each."""
    data = reference_data()
    for position, item in enumerate(data["categories"]):
        db.session.merge(Category(slug=item["slug"], label=item["label"],
                                  label_en=item["label_en"], position=position))
    for position, item in enumerate(data["rubrics"]):
        db.session.merge(Rubric(slug=item["slug"], label=item["label"], about=item["about"],
                                position=position))
    for kecamatan in data["kecamatan"]:
        db.session.merge(Kecamatan(slug=kecamatan["slug"], name=kecamatan["name"],
                                   code=kecamatan["code"]))
        for kelurahan in kecamatan["kelurahan"]:
            db.session.merge(Kelurahan(slug=kelurahan["slug"], name=kelurahan["name"],
                                       kecamatan_slug=kecamatan["slug"],
                                       also_written=kelurahan["also_written"]))
    db.session.commit()
    return {
        "categories": len(data["categories"]),
        "rubrics": len(data["rubrics"]),
        "kecamatan": len(data["kecamatan"]),
        "kelurahan": sum(len(k["kelurahan"]) for k in data["kecamatan"]),
    }
