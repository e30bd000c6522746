"""The fictional sample: made-up businesses in real places, with prices, links and photos.

`features.csv` holds the appearances; `commerce.csv` (by slug) how to buy from each business,
kept apart so each file stays readable. Sample photos are drawn here with Pillow: simple
illustrations labelled as such, never photos of real businesses.
"""

import csv
import io
from importlib import resources

from .importers.fields import slugify

FEATURES = "data/sample/features.csv"
COMMERCE = "data/sample/commerce.csv"


def _read(name: str) -> list[dict]:
    text = resources.files("directory").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sample_sheet() -> bytes:
    """Return the sample as one staff CSV: every appearance with its business's buying details."""
    features = _read(FEATURES)
    extra = {row["slug"]: row for row in _read(COMMERCE)}
    columns = list(features[0]) + [c for c in next(iter(extra.values()), {}) if c != "slug"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in features:
        more = extra.get(row["slug"] or slugify(row["name"]), {})
        writer.writerow({**row, **{k: v for k, v in more.items() if k != "slug"}})
    return out.getvalue().encode("utf-8")
