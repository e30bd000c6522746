"""Full reindexes started from the staff API: a background thread and a row to poll.

The index's build lock (an flock) is what keeps a second build out, across processes; the
row only reports. While a job runs, its process writes a heartbeat into the row; a row left
`running` whose heartbeat stopped (the process died) reads as failed, "interrupted". Only
the database decides, so every machine reading the job gives the same answer.
"""

import logging
import threading
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
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
    # Written every JOB_HEARTBEAT_SECONDS by the process running the job (UTC, its clock).
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)

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
        job = ReindexJob(actor=actor or audit.current_actor(), total=services.count_live(),
                         heartbeat_at=utcnow())
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
    if job is not None and job.state == "running" and _silent_since() > _last_sign_of_life(job):
        # The process running this job stopped beating: it died (kill -9, a crashed
        # machine). The update repeats both conditions, so a job that finished or beat
        # again meanwhile is never overwritten, whichever machine reads it.
        seconds = current_app.config["JOB_INTERRUPTED_AFTER_SECONDS"]
        with db.engine.begin() as connection:
            connection.execute(
                update(ReindexJob).where(ReindexJob.id == job_id,
                                         ReindexJob.state == "running",
                                         _LAST_SIGN_OF_LIFE < _silent_since())
                .values(state="failed", finished_at=utcnow(),
                        error=f"interrupted: the process building the index gave no sign "
                              f"of life for {seconds:g} s"))
        db.session.refresh(job)
    return job


# A job written before heartbeats existed has only its creation time.
_LAST_SIGN_OF_LIFE = func.coalesce(ReindexJob.heartbeat_at, ReindexJob.created_at)


def _last_sign_of_life(job: ReindexJob) -> datetime:
    return job.heartbeat_at or job.created_at


def _silent_since() -> datetime:
    """A job whose last heartbeat is older than this is interrupted."""
    return utcnow() - timedelta(seconds=current_app.config["JOB_INTERRUPTED_AFTER_SECONDS"])


def recent_jobs(limit: int = 20) -> list[ReindexJob]:
    return list(db.session.scalars(select(ReindexJob).order_by(ReindexJob.id.desc())
                                   .limit(limit)))


def _run(app, job_id: int, lock) -> None:
    with app.app_context():
        heartbeat = _Heartbeat(app, job_id)
        outcome: tuple[str, dict] = ("failed", {"error": "interrupted"})
        try:
            progress = _Progress(job_id)
            count = services.reindex(progress=progress, lock=lock)
            outcome = ("done", {"done": count})
        except IndexDiskFull as error:  # said plainly: staff can act on it
            log.error("reindex job %s failed: %s", job_id, error)
            outcome = ("failed", {"error": str(error)})
        except Exception as error:  # the job reports it; the thread must not die silently
            log.exception("reindex job %s failed", job_id)
            outcome = ("failed", {"error": f"{type(error).__name__}: {error}"})
        finally:
            heartbeat.stop()
            lock.release()
            # Finished only once the next build may start: whoever starts one on seeing
            # "done" or "failed" never gets a 409 from a lock this job still held.
            _finish(job_id, outcome[0], **outcome[1])
            db.session.remove()


def _finish(job_id: int, state: str, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(ReindexJob).where(ReindexJob.id == job_id)
                           .values(state=state, finished_at=utcnow(), **values))


class _Heartbeat:
    """A thread writing the job's heartbeat while the build runs, whatever phase it is in."""

    def __init__(self, app, job_id: int):
        self.app, self.job_id = app, job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True,
                                       name=f"reindex-{job_id}-heartbeat")
        self.thread.start()

    def _beat(self) -> None:
        every = self.app.config["JOB_HEARTBEAT_SECONDS"]
        with self.app.app_context():
            while not self.stopped.wait(every):
                try:
                    with db.engine.begin() as connection:
                        connection.execute(
                            update(ReindexJob).where(ReindexJob.id == self.job_id,
                                                     ReindexJob.state == "running")
                            .values(heartbeat_at=utcnow()))
                except Exception:  # noqa: BLE001 - a missed beat is retried; the build goes on
                    log.warning("reindex job %s: heartbeat not written", self.job_id,
                                exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


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
