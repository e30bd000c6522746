"""A missing or damaged search index: said in the log, a 503 for search, rebuilt from the database.

Business pages and lists come from the database and keep answering. The first request that
finds the index unreadable starts one rebuild (a reindex job, shown on the staff page); the
build lock keeps it to one across worker processes. Outside a request (CLI) it rebuilds at once.
"""

import logging

from flask import has_request_context

from . import jobs, services
from .errors import Conflict, error_response
from .models import db
from .search import BuildRunning, IndexUnavailable

log = logging.getLogger(__name__)
RETRY_AFTER = 10  # seconds; a rebuild of the sample takes about one
ACTOR = "system"  # the audit log's name for what the app does by itself
MESSAGE = ("Search is unavailable for a moment: the search index is being rebuilt from the "
           "database. Business pages still work; try again shortly.")


def recover(problem: Exception) -> None:
    """Log that the index cannot be read and rebuild it from the database."""
    if not has_request_context():
        log.error("search index unavailable: %s; rebuilding it from the database", problem)
        try:
            log.info("search index rebuilt: %s businesses", services.reindex())
        except BuildRunning:
            log.warning("a rebuild is already running; it will bring the index back")
        return
    db.session.rollback()  # the request failed: nothing of it is to be committed
    try:
        job = jobs.start_reindex(actor=ACTOR)
    except Conflict:
        log.warning("search index unavailable (%s); the rebuild under way will bring it back",
                    problem)
        return
    log.error("search index unavailable: %s; rebuilding it from the database (reindex job %s)",
              problem, job.id)


def handle_unavailable(error: IndexUnavailable):
    recover(error)
    return error_response(503, MESSAGE, headers={"Retry-After": str(RETRY_AFTER)})


def init_app(app) -> None:
    app.register_error_handler(IndexUnavailable, handle_unavailable)
