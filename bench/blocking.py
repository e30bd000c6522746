"""Does a slow request hold up the others? (`python -m bench.blocking`; bench, not a test)

Serves the sample directory with gunicorn on 127.0.0.1, sends SLOW requests at once (each a
199-letter word, the issue's worst case) and meanwhile ordinary searches, under 2 sync
workers and under the gthread config of gunicorn.conf.py, and prints the ordinary searches'
latency. Bounded: a few dozen requests, then every server it started is stopped.
"""

import concurrent.futures
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOW = 8
ORDINARY = ("keripik tempe", "batik", "kopi", "bakso malang", "sambel")
LONG_WORD = "abcdefghijklmnopqrstuvwxyz" * 7 + "abcdefghijklmnopq"  # 199 letters
CONFIGS = {"sync, 2 workers": ["--workers", "2", "--worker-class", "sync"],
           "gthread, 2 workers x 4 threads (gunicorn.conf.py)": ["--config",
                                                                str(ROOT / "gunicorn.conf.py")]}


def _env(folder: Path) -> dict:
    return {**os.environ, "DIRECTORY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db'}",
            "DIRECTORY_SEARCH_INDEX_DIR": str(folder / "index"),
            "DIRECTORY_RATELIMIT_ENABLED": "false"}


def _get(base: str, q: str) -> float:
    start = time.perf_counter()
    url = f"{base}/api/v1/businesses?" + urllib.parse.urlencode({"q": q})
    urllib.request.urlopen(url, timeout=60).read()
    return (time.perf_counter() - start) * 1000


def _serve(folder: Path, args: list[str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "wsgi:app"], cwd=ROOT, env=_env(folder),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            _get(f"http://127.0.0.1:{port}", "warm")
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(folder: Path, args: list[str], port: int) -> tuple[float, float, float]:
    """Return (slow median ms, ordinary median ms, ordinary max ms) with SLOW in flight."""
    process = _serve(folder, args, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with concurrent.futures.ThreadPoolExecutor(SLOW + 1) as pool:
            slow = [pool.submit(_get, base, LONG_WORD) for _ in range(SLOW)]
            time.sleep(0.05)
            ordinary = [_get(base, q) for q in ORDINARY]
            slow_ms = [f.result() for f in slow]
    finally:
        process.terminate()
        process.wait(timeout=30)
    return statistics.median(slow_ms), statistics.median(ordinary), max(ordinary)


def run() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flask = [sys.executable, "-m", "flask", "--app", "directory"]
        for command in (["init-db"], ["seed"]):
            subprocess.run(flask + command, cwd=ROOT, env=_env(folder), check=True,
                           stdout=subprocess.DEVNULL)
        print(f"blocking: {SLOW} requests for a 199-letter word at once, then "
              f"{len(ORDINARY)} ordinary searches (sample data, HTTP on 127.0.0.1)")
        print(f"{'server':<52} {'slow ms':>8} {'ordinary ms':>12} {'max ms':>7}")
        for name, args in CONFIGS.items():
            slow, ordinary, worst = measure(folder, args, _free_port())
            print(f"{name:<52} {slow:>8.0f} {ordinary:>12.0f} {worst:>7.0f}")


if __name__ == "__main__":
    run()
