"""Full reindexes started from the staff API: a background thread and a row to poll.

The index's build lock (an flock) is what keeps a second build out, across processes; the
row only reports. A row left `running` by a process that died is marked failed when read.
"""

import logging
import threading
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, mapped_column

from . import audit, services
from .errors import Conflict
from .models import db, utcnow
from .search import IndexDiskFull, get_index

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.25  # seconds between progress writes


class ReindexJob(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(default="running")  # running, done, failed
    actor: Mapped[str]
    total: Mapped[int] = mapped_column(default=0)  # businesses to index
    done: Mapped[int] = mapped_column(default=0)  # indexed so far
    error: Mapped[str | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def progress(self) -> float:
        if self.state == "done":
            return 1.0
        return round(min(self.done / self.total, 1.0), 3) if self.total else 0.0


def start_reindex(actor: str | None = None) -> ReindexJob:
    """Reserve the build lock, record a job and build in a thread; Conflict if one runs."""
    lock = get_index().build_lock()
    if not lock.acquire():
        running = db.session.scalars(select(ReindexJob).where(ReindexJob.state == "running")
                                     .order_by(ReindexJob.id.desc())).first()
        suffix = f" (job {running.id})" if running else ""
        raise Conflict(f"A reindex is already running{suffix}; wait for it to finish.")
    try:
        job = ReindexJob(actor=actor or audit.current_actor(), total=services.count_live())
        db.session.add(job)
        db.session.flush()
        audit.record("reindex", f"job {job.id}", after={"job": job.id, "total": job.total},
                     actor=job.actor)
        db.session.commit()
        app = current_app._get_current_object()
        threading.Thread(target=_run, args=(app, job.id, lock), daemon=True,
                         name=f"reindex-{job.id}").start()
    except BaseException:
        lock.release()
        raise
    return job


def get_job(job_id: int) -> ReindexJob | None:
    job = db.session.get(ReindexJob, job_id)
    if job is not None and job.state == "running" and not get_index().build_running():
        # Nobody holds the build lock: the process running this job died, or the job has
        # just finished (it writes "done" before releasing the lock): only a row still
        # "running" is marked, so a finished job is never overwritten.
        _finish(job_id, "failed", error="interrupted: the process building the index stopped",
                only_if_running=True)
        db.session.refresh(job)
    return job


def recent_jobs(limit: int = 20) -> list[ReindexJob]:
    return list(db.session.scalars(select(ReindexJob).order_by(ReindexJob.id.desc())
                                   .limit(limit)))


def _run(app, job_id: int, lock) -> None:
    with app.app_context():
        try:
            progress = _Progress(job_id)
            count = services.reindex(progress=progress, lock=lock)
            _finish(job_id, "done", done=count)
        except IndexDiskFull as error:  # said plainly: staff can act on it
            log.error("reindex job %s failed: %s", job_id, error)
            _finish(job_id, "failed", error=str(error))
        except Exception as error:  # the job reports it; the thread must not die silently
            log.exception("reindex job %s failed", job_id)
            _finish(job_id, "failed", error=f"{type(error).__name__}: {error}")
        finally:
            lock.release()
            db.session.remove()


def _finish(job_id: int, state: str, only_if_running: bool = False, **values) -> None:
    statement = update(ReindexJob).where(ReindexJob.id == job_id)
    if only_if_running:
        statement = statement.where(ReindexJob.state == "running")
    with db.engine.begin() as connection:
        connection.execute(statement.values(state=state, finished_at=utcnow(), **values))


class _Progress:
    """Progress callback writing the count now and then, on its own connection."""

    def __init__(self, job_id: int):
        self.job_id, self.done, self.written_at = job_id, 0, 0.0

    def __call__(self, step: int) -> None:
        self.done += step
        now = time.monotonic()
        if now - self.written_at >= PROGRESS_EVERY:
            self.written_at = now
            with db.engine.begin() as connection:
                connection.execute(update(ReindexJob).where(ReindexJob.id == self.job_id)
                                   .values(done=self.done))
