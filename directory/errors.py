"""One JSON error shape for every failure: {"error": {status, code, message[, fields]}}."""

import logging

from flask import current_app, jsonify, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from .search import IndexBusy

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Base of the errors a service raises on purpose; carries its HTTP status."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.message, self.fields = message, fields
        if status:
            self.status = status


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


def error_response(status: int, message: str, fields: dict | None = None, headers=None):
    """Return the project's error body with `status`."""
    name = HTTP_STATUS_CODES.get(status, "Error")
    body = {"status": status, "code": name.lower().replace(" ", "_").replace("'", ""),
            "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flat(messages):
    """Return a repeated field's messages as one list, as for any other field.

    marshmallow keys a list's errors by position: {"0": ["Must be ..."]} -> ["Must be ..."].
    """
    if isinstance(messages, dict) and messages and all(str(k).isdigit() for k in messages):
        flat = []
        for key in sorted(messages, key=int):
            for message in _flat(messages[key]):
                if message not in flat:
                    flat.append(message)
        return flat
    if isinstance(messages, dict):  # an object in a list: name its fields
        return [f"{name}: {text}" for name, value in messages.items() for text in _flat(value)]
    return list(messages) if isinstance(messages, list | tuple) else [str(messages)]


def _webargs_fields(error: HTTPException) -> dict | None:
    # webargs (through flask-smorest) puts {"query": {"field": [...]}} in error.data.
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not messages:
        return None
    merged = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            for name, field_errors in location_errors.items():
                # A nested object keeps its per-field messages; a list's become a list.
                is_list = isinstance(field_errors, dict) and all(
                    str(k).isdigit() for k in field_errors)
                merged[name] = _flat(field_errors) if is_list else field_errors
    return merged or None


def handle_http_exception(error: HTTPException):
    fields = _webargs_fields(error)
    message = "Invalid request parameters." if fields else (error.description or error.name)
    headers = {}
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if error.code in (401,) and getattr(error, "www_authenticate", None):
        headers["WWW-Authenticate"] = "Bearer"
    return error_response(error.code or 500, message, fields, headers)


def handle_api_error(error: ApiError):
    return error_response(error.status, error.message, error.fields)


def handle_index_busy(error: IndexBusy):
    return error_response(503, str(error), headers={"Retry-After": "5"})


def handle_database_error(error: DBAPIError):
    """Answer 503 while the database cannot be reached; any other database error is a bug.

    OperationalError is what the driver raises for a refused or lost connection, a server
    shutting down or starting up (and SQLite's "database is locked"): all pass. The pool
    throws such connections away, so the app recovers by itself once the database is back.
    """
    if not (isinstance(error, OperationalError) or error.connection_invalidated):
        return handle_unexpected(error)
    log.warning("database unreachable: %s", str(error.orig).strip() or type(error.orig))
    return error_response(
        503, "Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi. / "
             "The database cannot be reached for the moment; try again shortly.",
        headers={"Retry-After": str(current_app.config["DATABASE_RETRY_AFTER"])})


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error", exc_info=error)
    return error_response(500, InternalServerError.description)


def reject_overlong_url():
    """Answer 414 in the error shape for a URL longer than MAX_URL_LENGTH bytes."""
    limit = current_app.config.get("MAX_URL_LENGTH")
    target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    length = len(target) if target else (
        len(request.path.encode()) + 1 + len(request.query_string))
    if limit and length > limit:
        return error_response(414, f"The URL is longer than {limit} bytes; ask for less, "
                                   "or filter with fewer values.")
    return None


def reject_nul_characters():
    """Answer 400 for a NUL in the path or query: no name needs one, PostgreSQL refuses it."""
    if "\x00" in request.path or b"%00" in request.query_string.lower() \
            or b"\x00" in request.query_string:
        return error_response(400, "The request holds a NUL character.")
    return None


def init_app(app) -> None:
    app.before_request(reject_overlong_url)
    app.before_request(reject_nul_characters)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(IndexBusy, handle_index_busy)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
