"""The data files search reads: `directory/data/search/*.txt` and the reference data."""

import json
from functools import cache
from importlib import resources


def data_lines(name: str) -> list[str]:
    """Return the non-blank, non-comment lines of `data/search/<name>`."""
    text = resources.files("directory").joinpath(f"data/search/{name}").read_text("utf-8")
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


@cache
def reference() -> dict:
    """Return `data/reference.json`: categories, kecamatan with kelurahan, sentra."""
    return json.loads(resources.files("directory").joinpath("data/reference.json").read_text())
