"""Start a throw-away PostgreSQL server for the tests that claim PostgreSQL.

Uses the PostgreSQL binaries of the machine (Debian's postgresql package); as root the
server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
"""

import contextlib
import glob
import os
import shutil
import signal
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


class PostgresServer:
    """A throw-away server in a temporary folder; `stop()` and `start()` it again at will."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="directory-pg-")
        self.data = os.path.join(self.root, "data")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/directory"
        self.process: subprocess.Popen | None = None
        subprocess.run(_as_server_user([_bin("initdb"), "-D", self.data, "-U", "postgres",
                                        "-A", "trust", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)

    def start(self) -> None:
        """Start the server; return once it accepts connections."""
        self.process = subprocess.Popen(
            _as_server_user([_bin("postgres"), "-D", self.data, "-p", str(self.port),
                             "-h", "127.0.0.1", "-k", self.root, "-F", "-c", "fsync=off",
                             "-c", "full_page_writes=off"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: "
                                   + self.process.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.1)
        import psycopg

        for _ in range(100):  # the port opens slightly before connections are accepted
            try:
                with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres "
                                     "dbname=postgres", autocommit=True) as connection:
                    if not connection.execute(
                            "SELECT 1 FROM pg_database WHERE datname = 'directory'").fetchone():
                        connection.execute("CREATE DATABASE directory")
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL does not accept connections")

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as when a database server goes away."""
        if self.process is None:
            return
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as pid_file:
                os.kill(int(pid_file.readline()), signal.SIGINT)
        except (OSError, ValueError):
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres_instance():
    """Yield a started PostgresServer; stop and delete it after."""
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@contextlib.contextmanager
def postgres_server():
    """Yield the SQLAlchemy URL of a fresh server on 127.0.0.1; stop and delete it after."""
    with postgres_instance() as server:
        yield server.url
