"""Staff operations: upload-and-import, full reindex jobs, the audit log, who am I."""

from flask import g, url_for

from .. import audit, jobs, staff
from ..api.blueprint import Blueprint
from ..api.links import page_answer
from ..auth import require_token
from ..errors import NotFound
from .schemas import (
    AuditArgs,
    AuditPageSchema,
    ImportArgs,
    ImportFileSchema,
    ImportReportSchema,
    JobListSchema,
    JobSchema,
    WhoAmISchema,
)

blp = Blueprint("admin_operations", __name__, description="Staff: import, reindex, audit")
blp.before_request(require_token)  # every route of this blueprint needs a token


@blp.route("/me")
@blp.response(200, WhoAmISchema)
def who_am_i():
    """Return the name of the token sent (to check a token)."""
    return {"name": g.staff}


@blp.route("/imports", methods=["POST"])
@blp.arguments(ImportArgs, location="query", as_kwargs=True)
@blp.arguments(ImportFileSchema, location="files", as_kwargs=True)
@blp.response(200, ImportReportSchema)
def import_file(dry_run, file):
    """Import a staff CSV or JSON file with the CLI importer's rules and report.

    `dry_run=1` writes nothing. Bad rows are reported ({line, column, reason}) and skipped;
    a file that cannot be read changes nothing (422). Larger than the cap: 413.
    """
    return staff.import_upload(file.read(), file.filename or "upload", dry_run)


@blp.route("/reindex", methods=["POST"])
@blp.response(202, JobSchema)
@blp.alt_response(409, description="A reindex is already running")
def start_reindex():
    """Rebuild the index beside the live one in the background; poll the job returned."""
    job = jobs.start_reindex()
    return job, 202, {"Location": url_for("admin_operations.get_job", job_id=job.id)}


@blp.route("/jobs")
@blp.response(200, JobListSchema)
def list_jobs():
    """List the latest reindex jobs, newest first."""
    return {"items": jobs.recent_jobs()}


@blp.route("/jobs/<id:job_id>")
@blp.response(200, JobSchema)
def get_job(job_id):
    """Return a reindex job: state, progress, counts, error."""
    job = jobs.get_job(job_id)
    if job is None:
        raise NotFound(f"No job with id {job_id}.")
    return job


@blp.route("/audit")
@blp.arguments(AuditArgs, location="query", as_kwargs=True)
@blp.response(200, AuditPageSchema)
def audit_log(page, per_page, action, target):
    """List staff changes, newest first: who, what, when, before and after."""
    items, total = audit.page(page, per_page, action=action, target=target)
    return page_answer(items, total, page, per_page, AuditArgs)
