"""Several machines on one PostgreSQL: `python -m bench.machines [--n 10000] [--writes 50]`.

Generates its own fictional businesses in a throw-away PostgreSQL (tests/postgres.py), then
measures what docs/scaling.md reports:
- a fresh machine (gunicorn, empty index folder) from start to its first search answer;
- write-to-visible: a staff write on machine A until a search on machine B finds it;
- catch-up: changes per second a machine applies after being stopped during writes.
Everything runs on 127.0.0.1 and is stopped at the end.
"""

import argparse
import json
import shutil
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import select

from directory import auth, changelog, create_app, follow
from directory.models import Business, db
from tests.postgres import postgres_server
from tests.staff_helpers import generate_businesses, start_gunicorn, stop
from tests.test_machines import machine_env


def _app(url: str, folder: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SEARCH_INDEX_DIR": str(folder / "index"),
                       "RATELIMIT_STORAGE_URI": f"sqlite:///{folder / 'ratelimit.sqlite3'}",
                       "SEARCH_FOLLOW_SECONDS": 0})


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def _patch(base: str, token: str, slug: str, body: dict) -> None:
    request = urllib.request.Request(
        f"{base}/api/v1/admin/businesses/{slug}", data=json.dumps(body).encode(),
        method="PATCH", headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def _server(url: str, folder: Path):
    env = machine_env(url, folder, RATELIMIT_ENABLED="false", SEARCH_TIME_LIMIT="30")
    return start_gunicorn(folder, workers=2, env=env, probe="/api/v1/categories")


def run(count: int, writes: int, changes: int) -> dict:
    root = Path(tempfile.mkdtemp(prefix="bench-machines-"))
    results: dict = {"businesses": count}
    servers = []
    try:
        with postgres_server() as url:
            setup = _app(url, root / "setup")
            assert setup.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
            with setup.app_context():
                generate_businesses(count)
                changelog.backfill()  # as `flask init-db` does for rows older than the log
                token = auth.create_token("bench")
                slugs = list(db.session.scalars(select(Business.slug).order_by(Business.id)))

            # A fresh machine: empty index folder, builds from the database on first search.
            (root / "a").mkdir()
            started = time.monotonic()
            a = _server(url, root / "a")
            servers.append(a[0])
            while _get(a[1] + "/api/v1/businesses?q=keripik")[0] != 200:
                time.sleep(0.2)
            results["fresh_machine_s"] = round(time.monotonic() - started, 1)

            # A second machine with a copy of that index; A writes, B must find it.
            shutil.copytree(root / "a" / "index", root / "b" / "index", symlinks=True)
            b = _server(url, root / "b")
            servers.append(b[0])
            delays = []
            for n in range(writes):
                word = f"benchword{n}x"
                _patch(a[1], token, slugs[n], {"products": [word]})
                written = time.monotonic()
                while _get(f"{b[1]}/api/v1/businesses?q={word}")[1].get("total") != 1:
                    time.sleep(0.005)
                delays.append(time.monotonic() - written)
            results["visible_median_ms"] = round(statistics.median(delays) * 1000)
            results["visible_max_ms"] = round(max(delays) * 1000)

            # B stopped during `changes` writes, then catching up with them.
            stop(servers.pop())
            with setup.app_context():
                for business in db.session.scalars(select(Business).order_by(Business.id)
                                                   .limit(changes)):
                    business.description = f"{business.description} diperbarui"
                db.session.commit()
            restarted = _app(url, root / "b")
            with restarted.app_context():
                started = time.monotonic()
                applied = follow.catch_up()
                seconds = time.monotonic() - started
            restarted.extensions["search"].close()
            results["catch_up_changes"] = applied
            results["catch_up_per_s"] = round(applied / seconds)
            for app in (setup, restarted):
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
    finally:
        for process in servers:
            stop(process)
        shutil.rmtree(root, ignore_errors=True)
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="businesses (default 10,000)")
    parser.add_argument("--writes", type=int, default=50, help="writes timed A -> B")
    parser.add_argument("--changes", type=int, default=2_000, help="changes to catch up")
    args = parser.parse_args(argv)
    results = run(args.n, args.writes, min(args.changes, args.n))
    print(json.dumps(results))
    print(f"{results['businesses']:,} businesses: a fresh machine serves after "
          f"{results['fresh_machine_s']} s; a write on A is found on B after "
          f"{results['visible_median_ms']} ms (median, max {results['visible_max_ms']} ms, "
          f"{args.writes} writes); catch-up {results['catch_up_per_s']} changes/s "
          f"({results['catch_up_changes']} changes)")


if __name__ == "__main__":
    main()
