"""The examples in the README and docs/ work on the sample data a fresh install ships with."""

import re
from pathlib import Path

import pytest

from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A path of the public API or a business page, with or without http://127.0.0.1:5000.
EXAMPLE_URL = re.compile(r"(?:https?://127\.0\.0\.1:\d+)?(/(?:api/v1|b)/[^\s)'`\"<>\]]+)")
BUSINESS_SLUG = re.compile(r"(?:/businesses/|/b/)([a-z0-9][a-z0-9-]*[a-z0-9])")


def examples() -> list[tuple[str, str]]:
    """Return (path, doc) for each public example: a query, a business, or a curl URL.

    A bare route named in prose (`/api/v1/suggest`) is a mention, not an example; the staff
    API needs a token (its slugs are checked with the others below).
    """
    found = {}
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in EXAMPLE_URL.finditer(text):
            path = match.group(1).rstrip(".,;:")
            if text[match.end():match.end() + 1] == "<":  # a template: ?since=<cursor>
                continue
            is_example = ("?" in path or BUSINESS_SLUG.search(path)
                          or match.group(0).startswith("http"))
            if is_example and not path.startswith("/api/v1/admin"):
                found.setdefault(path, doc.name)
    return sorted(found.items())


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """An app holding exactly what `make run` seeds: the shipped sample data."""
    app = make_app(tmp_path_factory.mktemp("sample"))
    for command in (["init-db"], ["seed"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 0, result.output
    yield app
    app.extensions["search"].close()


def test_the_docs_have_examples_to_check():
    paths = [path for path, _ in examples()]
    assert any(BUSINESS_SLUG.search(path) for path in paths)
    assert len(paths) >= 10


@pytest.mark.parametrize(("path", "doc"), examples())
def test_every_example_url_in_the_docs_answers_on_the_sample_data(sample, path, doc):
    client = sample.test_client()
    with client.get(path) as response:
        assert response.status_code == 200, f"{doc}: {path} answers {response.status_code}"


def test_every_business_slug_in_the_docs_is_in_the_sample_data(sample):
    client = sample.test_client()
    slugs = {slug for doc in DOCS
             for slug in BUSINESS_SLUG.findall(doc.read_text(encoding="utf-8"))}
    assert slugs
    missing = sorted(slug for slug in slugs
                     if client.get(f"/api/v1/businesses/{slug}").status_code != 200)
    assert missing == []
