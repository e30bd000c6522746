"""The word lists search reads: `directory/data/search/*.txt` (reference data: `reference.py`)."""

from importlib import resources


def data_lines(name: str) -> list[str]:
    """Return the non-blank, non-comment lines of `data/search/<name>`."""
    text = resources.files("directory").joinpath(f"data/search/{name}").read_text("utf-8")
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]
