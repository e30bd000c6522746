"""A `limits` storage on one SQLite file, so every worker process counts the same hits.

flask-limiter's own storages are memory (one count per process: a client gets N times the
limit under N gunicorn workers) or servers (redis, memcached, mongodb) a small deployment
does not run. Fixed-window only, which is flask-limiter's default strategy. Never imports Flask.
"""

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL,
    expires_at REAL NOT NULL
)
"""
PURGE_EVERY = 200  # increments between sweeps of expired windows


class SQLiteStorage(Storage):
    """Counters in `sqlite:////absolute/path.sqlite3` (or `sqlite:///relative/path`)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        self.path = (uri or "sqlite:///ratelimit.sqlite3").removeprefix("sqlite:///")
        self.timeout = float(options.get("timeout", 5.0))
        self._local = threading.local()
        self._increments = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread and per process: a forked worker opens its own.
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            directory = os.path.dirname(self.path)
            if directory:
                os.makedirs(directory, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: int, amount: int = 1, **_) -> int:
        """Add `amount` to the window of `key`, starting a new window when it expired."""
        now = time.time()
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM counters WHERE key = ? AND expires_at <= ?", (key, now))
            (value,) = db.execute(
                "INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value "
                "RETURNING value",
                (key, amount, now + expiry),
            ).fetchone()
            self._increments += 1
            if self._increments % PURGE_EVERY == 0:
                db.execute("DELETE FROM counters WHERE expires_at <= ?", (now,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return value

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires_at FROM counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row and row[0] > time.time() else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counters WHERE key = ?", (key,))
