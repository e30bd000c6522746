"""Audit the installed dependencies for known vulnerabilities (`make lint`).

pip-audit asks PyPI's per-version JSON (`/pypi/<name>/<version>/json`). Where that answers
404 (a network whose PyPI mirror serves only `/pypi/<name>/json`, as ours does), pip-audit
skips every package and exits 0: an audit that checked nothing. For what it skips, this
script reads the project JSON instead, whose `vulnerabilities` are those of the latest
release: it audits every package installed at its latest version and names the others as
not audited. Exit 1 on any vulnerability; with AUDIT_STRICT=1 also when one is unaudited.
"""

import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
TIMEOUT = 15


def pip_audit() -> dict:
    """Run pip-audit on this environment (our own editable package left out)."""
    command = [str(Path(sys.executable).with_name("pip-audit")), "--local", "--skip-editable",
               "--format", "json", "--progress-spinner", "off"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if not done.stdout.strip():
        sys.exit(f"pip-audit gave no report (exit {done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def project_json(name: str) -> dict | None:
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=TIMEOUT) as answer:
            return json.load(answer)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def installed_version(name: str) -> str:
    # pip-audit's report gives no version for what it skipped.
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def verdict(report: dict, fetch=project_json,
            version_of=installed_version) -> tuple[list[str], list[str], int]:
    """Return (vulnerabilities, not audited, audited count) of a pip-audit JSON report."""
    found, unaudited, audited = [], [], 0
    dependencies = report.get("dependencies", [])
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    with ThreadPoolExecutor(8) as pool:
        projects = dict(zip(skipped, pool.map(fetch, skipped), strict=True))
    for dependency in dependencies:
        name = dependency["name"]
        version = dependency.get("version") or version_of(name)
        if "skip_reason" not in dependency:
            audited += 1
            found += [_line(name, version, v["id"], v.get("fix_versions"))
                      for v in dependency.get("vulns", [])]
            continue
        project = projects[name]
        if project is None:
            unaudited.append(f"{name} {version}: PyPI did not answer")
            continue
        latest = project.get("info", {}).get("version")
        if latest != version:
            unaudited.append(f"{name} {version}: not the latest ({latest}); PyPI's per-version "
                             "JSON is not reachable from here")
            continue
        audited += 1
        found += [_line(name, version, v["id"], v.get("fixed_in"))
                  for v in project.get("vulnerabilities", []) if not v.get("withdrawn")]
    return found, unaudited, audited


def _line(name: str, version: str, advisory: str, fixed_in) -> str:
    return f"{name} {version}: {advisory} (fixed in {', '.join(fixed_in or []) or '-'})"


def main() -> int:
    ours = tomllib.loads(PYPROJECT.read_text())["project"]["name"]
    report = pip_audit()
    # Our own editable package is not on PyPI; pip-audit lists it as skipped all the same.
    report["dependencies"] = [d for d in report.get("dependencies", []) if d["name"] != ours]
    found, unaudited, audited = verdict(report)
    for line in found:
        print(f"VULNERABLE {line}")
    for line in unaudited:
        print(f"not audited: {line}")
    print(f"pip-audit: {audited} dependencies audited, {len(found)} known vulnerabilities, "
          f"{len(unaudited)} not audited.")
    strict = os.environ.get("AUDIT_STRICT") == "1"
    return 1 if found or (strict and unaudited) else 0


if __name__ == "__main__":
    sys.exit(main())
