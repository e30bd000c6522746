"""This machine's search index follows the database's change log (the outbox).

Every write commits its businesses and their change-log entries together (services.changing);
nothing writes the index inside a transaction. Each index release records the last entry it
holds; whoever is behind applies the entries after it by re-reading those businesses from the
database (idempotent: applying twice is harmless). That happens right after a write here,
before a search when the log moved past the index, and in a background thread per worker
woken by PostgreSQL's NOTIFY (or polling on SQLite).
Each index registers its position in `index_registry`, for pruning and check-index.
"""

import logging
import os
import socket
import threading
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, selectinload

from . import changelog
from .models import Business, db, utcnow
from .search import IndexBusy, IndexUnavailable, get_index
from .search.documents import business_document

log = logging.getLogger(__name__)
BATCH = 1000  # entries per index commit: a long backlog advances the position as it goes
SEARCH_WAIT = 1.0  # seconds a search waits for another process applying the log
WRITE_WAIT = 2.0  # seconds a writer waits to apply its own change (then the applier does)
REGISTER_EVERY = 60.0  # seconds between the background applier's "still here"
PRUNE_EVERY = 3600.0  # seconds between the background applier's pruning runs


class IndexRegistration(db.Model):
    """Where one index (a machine's index folder) stands in the change log."""

    __tablename__ = "index_registry"

    index_id: Mapped[str] = mapped_column(primary_key=True)  # host:/path/of/index
    position: Mapped[int]  # the last change-log entry its live release holds
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


def index_id(index=None) -> str:
    root = (index or get_index()).root
    return f"{socket.gethostname()}:{os.path.realpath(root)}"


def register(position: int, index=None) -> None:
    """Record (upsert) where this index stands; its own short transaction."""
    values = {"index_id": index_id(index), "position": position, "seen_at": utcnow()}
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(IndexRegistration).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["index_id"], set_={"position": values["position"],
                                           "seen_at": values["seen_at"]})
    with db.engine.begin() as connection:
        connection.execute(statement)


def registrations() -> list[IndexRegistration]:
    return list(db.session.scalars(select(IndexRegistration)
                                   .order_by(IndexRegistration.index_id)))


def _documents(session: Session, ids: set[int]) -> list[dict]:
    statement = (select(Business).where(Business.id.in_(sorted(ids)),
                                        Business.deleted_at.is_(None))
                 .options(selectinload(Business.features)).order_by(Business.id))
    return [business_document(b) for b in session.scalars(statement)]


def catch_up(wait: float = 0.0) -> int:
    """Apply the change-log entries the live index lacks; return how many were applied.

    0 also when another process is applying (and did not finish within `wait` seconds).
    Reads in sessions of its own: the caller's may hold older snapshots of these rows.
    """
    index = get_index()
    applied = 0
    with index.applying(wait) as applier:
        if applier is None:
            return 0
        while True:
            with Session(db.engine) as session:
                entries = session.execute(
                    select(changelog.ChangeEntry.id, changelog.ChangeEntry.business_id)
                    .where(changelog.ChangeEntry.id > applier.position)
                    .order_by(changelog.ChangeEntry.id).limit(BATCH)).all()
                if not entries:
                    break
                ids = {business_id for _, business_id in entries}
                documents = _documents(session, ids)
            live = {int(d["id"]) for d in documents}
            applier.write(entries[-1][0], documents, ids - live)
            applied += len(entries)
        position = applier.position
    if applied:
        register(position, index)
    return applied


def refresh(ids: set[int]) -> None:
    """Re-read these businesses into the live index now (check-index --repair)."""
    with get_index().applying(current_wait()) as applier:
        if applier is None:
            raise IndexBusy("the search index is busy; try again shortly")
        with Session(db.engine) as session:
            documents = _documents(session, ids)
        applier.write(applier.position, documents, ids - {int(d["id"]) for d in documents})


def current_wait() -> float:
    return float(current_app.config["SEARCH_WRITE_TIMEOUT"])


def before_search() -> None:
    """Catch the index up when the log moved past it: one indexed look-up when it did not.

    Every search looks (no throttle): a search answered from a lagging index would be
    cached by the API's answer cache under the log's newer id. A busy index answers from
    what it holds: the process holding it is applying the log.
    """
    try:
        if get_index().position() < changelog.latest_cursor():
            catch_up(SEARCH_WAIT)
    except IndexBusy as error:
        if isinstance(error, IndexUnavailable):
            raise
        log.warning("search answered from an index still applying the log: %s", error)


def after_write() -> None:
    """Apply what the write just committed; never fails the write (the log holds it)."""
    try:
        catch_up(WRITE_WAIT)
    except IndexUnavailable as error:
        from . import index_recovery  # here: index_recovery -> jobs -> services -> follow

        index_recovery.recover(error)
    except (IndexBusy, OSError):
        log.warning("the search index will apply this change shortly", exc_info=True)


# -- the background applier, one per worker process ------------------------------------

class Applier:
    """A daemon thread that keeps this worker's index close to the log."""

    def __init__(self, app):
        self.app, self.pid = app, os.getpid()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="index-follower")
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        interval = float(self.app.config["SEARCH_FOLLOW_SECONDS"])
        registered = pruned = 0.0
        with self.app.app_context():
            wake = _Wakeup()
            while not self.stopped.is_set():
                try:
                    # A missing index is rebuilt by the first search (a reindex job).
                    if get_index().exists():
                        catch_up(wait=0.0)  # another worker applying does it for all
                    now = time.monotonic()
                    if now - registered > REGISTER_EVERY:
                        register(get_index().position())
                        registered = now
                    if now - pruned > PRUNE_EVERY:
                        changelog.prune(self.app.config["CHANGE_LOG_KEEP_DAYS"],
                                        self.app.config["INDEX_FORGET_AFTER_DAYS"])
                        pruned = now
                except Exception:  # noqa: BLE001 - retried on the next round; serving goes on
                    log.warning("index follower: round failed", exc_info=True)
                finally:
                    db.session.remove()
                wake.wait(interval)
            wake.close()


class _Wakeup:
    """Sleep until the next change: NOTIFY on PostgreSQL, a plain timeout on SQLite."""

    def __init__(self):
        self.connection = None
        self.listens = db.engine.dialect.name == "postgresql"
        self._listen()

    def _listen(self) -> None:
        if self.listens:
            try:
                self.connection = db.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT")
                self.connection.execute(text(f"LISTEN {changelog.CHANNEL}"))
            except Exception:  # noqa: BLE001 - polling still works
                log.warning("index follower: LISTEN failed, polling", exc_info=True)
                self.close()

    def wait(self, seconds: float) -> None:
        if self.connection is None:
            time.sleep(seconds)
            self._listen()  # the database is back (or still not: polling goes on)
            return
        try:
            driver = self.connection.connection.driver_connection
            for _ in driver.notifies(timeout=seconds, stop_after=1):
                pass
        except Exception:  # noqa: BLE001 - the database went away: poll until it is back
            log.warning("index follower: lost LISTEN, polling", exc_info=True)
            self.close()
            time.sleep(seconds)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001
                pass
            self.connection = None


def _start_applier(app) -> None:
    applier = app.extensions.get("index_follower")
    if applier is None or applier.pid != os.getpid():  # gunicorn forks after create_app
        app.extensions["index_follower"] = Applier(app)


def init_app(app) -> None:
    if float(app.config["SEARCH_FOLLOW_SECONDS"]) <= 0 or app.testing:
        return
    lock = threading.Lock()

    @app.before_request
    def start_follower():
        applier = app.extensions.get("index_follower")
        if applier is None or applier.pid != os.getpid():
            with lock:
                _start_applier(app)
