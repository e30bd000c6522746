"""Packaging and the dependency audit: a wheel that serves the pages from a fresh venv, an
SPDX licence, and an audit that cannot pass blind."""

import importlib.util
import os
import re
import shutil
import site
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
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


# What a wheel is built from: the package, the pages and the files pyproject.toml names.
SOURCES = ("directory", "frontend", "pyproject.toml", "setup.py", "README.md", "LICENSE")


def _run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=180, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, deadline: float) -> tuple[int, str, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_wheel_installed_into_a_fresh_venv_serves_the_pages(tmp_path):
    # Built from a copy: a build leaves build/ and *.egg-info beside the sources.
    source = tmp_path / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    # The test venv's setuptools builds it: no network, no build isolation.
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(tmp_path / "dist"), str(source))
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    # Every file of the package and of frontend/ is in it, frontend/ as directory/frontend/.
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("directory/")}
    expected = {str(path.relative_to(source)) for path in (source / "directory").rglob("*")
                if path.is_file()}
    expected |= {"directory/" + str(path.relative_to(source)) for path in
                 (source / "frontend").rglob("*") if path.is_file()}
    assert shipped == expected

    # A fresh venv without pip; this pip installs the wheel into it, offline. Its
    # dependencies come from the test venv's site-packages through a .pth file (a path in
    # a .pth file is not a site directory: the editable install's own .pth there is not read).
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    site_packages = Path(_run(str(python), "-c", "import sysconfig; "
                              "print(sysconfig.get_path('purelib'))").strip())
    (site_packages / "test-dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n")
    _run(sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-index", str(wheel))

    # Started from elsewhere than the checkout, with an instance folder of its own.
    cwd = tmp_path / "run"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIRECTORY_")}
    env["DIRECTORY_INSTANCE_PATH"] = str(tmp_path / "instance")
    where = _run(str(python), "-c", "import directory, directory.pages as p; "
                 "print(directory.__file__); print(p.FRONTEND_DIR)", cwd=cwd, env=env).split()
    assert [Path(p).is_relative_to(site_packages) for p in where] == [True, True]
    # The reference data (package data too) goes in; the home page needs no business.
    _run(str(python), "-m", "flask", "--app", "directory", "init-db", cwd=cwd, env=env)
    port = _free_port()
    server = subprocess.Popen(
        [str(python), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "directory:create_app()"], cwd=cwd, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        status, kind, html = _get(f"http://127.0.0.1:{port}/", deadline)
        assert status == 200 and kind.startswith("text/html")
        assert b'<html lang="id">' in html
        (script,) = re.findall(rb'<script src="(/assets/app\.js\?v=\d+)"', html)
        status, kind, body = _get(f"http://127.0.0.1:{port}{script.decode()}", deadline)
        assert status == 200 and kind.startswith("text/javascript")
        assert body == (ROOT / "frontend" / "app.js").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=30)
