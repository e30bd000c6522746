"""Packaging and the dependency audit: an SPDX licence, and an audit that cannot pass blind."""

import importlib.util
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _audit_module():
    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it_without_warning():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == "MIT"  # the table form is deprecated
    assert all((ROOT / name).is_file() for name in pyproject["project"]["license-files"])
    requires = pyproject["build-system"]["requires"]
    assert "setuptools>=77" in requires  # 77 is the first to take PEP 639's string


def test_lint_runs_the_dependency_audit():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "scripts/audit.py" in lint


def test_audit_reports_what_pip_audit_found_and_what_the_project_json_shows():
    audit = _audit_module()
    report = {"dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "jinja2", "version": "3.1.2",
         "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}]},
        # Skipped by pip-audit: PyPI's per-version JSON answered 404.
        {"name": "oldlib", "skip_reason": "Dependency not found on PyPI"},
        {"name": "latestlib", "skip_reason": "Dependency not found on PyPI"},
        {"name": "gone", "skip_reason": "Dependency not found on PyPI"},
    ]}
    projects = {
        "oldlib": {"info": {"version": "2.0"}, "vulnerabilities": []},
        "latestlib": {"info": {"version": "1.0"}, "vulnerabilities": [
            {"id": "PYSEC-1", "fixed_in": ["1.1"]}, {"id": "PYSEC-2", "withdrawn": "2026"}]},
    }
    found, unaudited, audited = audit.verdict(
        report, fetch=projects.get, version_of={"oldlib": "1.0", "latestlib": "1.0",
                                                "gone": "0.1"}.get)
    assert found == ["jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)",
                     "latestlib 1.0: PYSEC-1 (fixed in 1.1)"]
    assert [line.split(":")[0] for line in unaudited] == ["oldlib 1.0", "gone 0.1"]
    assert audited == 3
