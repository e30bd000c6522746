"""Start a throw-away PostgreSQL server for the tests that claim PostgreSQL.

Uses the PostgreSQL binaries of the machine (Debian's postgresql package); as root the
server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
"""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(
        f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is missing: make test installs it "
                           "(scripts/ensure-test-deps.sh)")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def postgres_server():
    """Yield the SQLAlchemy URL of a fresh server on 127.0.0.1; stop and delete it after."""
    root = tempfile.mkdtemp(prefix="directory-pg-")
    data = os.path.join(root, "data")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = _free_port()
    subprocess.run(_as_server_user([_bin("initdb"), "-D", data, "-U", "postgres", "-A", "trust",
                                    "-E", "UTF8", "--no-sync"]),
                   check=True, capture_output=True)
    server = subprocess.Popen(
        _as_server_user([_bin("postgres"), "-D", data, "-p", str(port), "-h", "127.0.0.1",
                         "-k", root, "-F", "-c", "fsync=off", "-c", "full_page_writes=off"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: "
                                   + server.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.1)
        import psycopg

        for _ in range(50):  # the port opens slightly before connections are accepted
            try:
                with psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres",
                                     autocommit=True) as connection:
                    connection.execute("CREATE DATABASE directory")
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/directory"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()
        shutil.rmtree(root, ignore_errors=True)
