"""What the OpenAPI document says beyond the views: the error shape, limits, security.

Every operation refers to the one error body for its 4xx/5xx answers and names each status
it can answer (400, 413 and 503 anywhere; 304, 412 and 429 on public reads; 401 and 409 on
the staff's operations), and every /api/v1/admin operation needs the staff's bearer token.
"""

from apispec import BasePlugin
from marshmallow import Schema, fields

from ..admin import URL_PREFIX as ADMIN_PREFIX
from ..http_cache import is_public_path

BEARER = "bearerAuth"
ERROR_REF = {"$ref": "#/components/schemas/Error"}  # ErrorSchema, as flask-smorest names it


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True, metadata={"description": "The HTTP status"})
    code = fields.String(required=True, metadata={"description": "e.g. not_found"})
    message = fields.String(required=True, metadata={"description": "For people"})
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.Raw(),
        metadata={"description": "Only when parameters or body fields are at fault: "
                                 "field name -> messages"})


class ErrorSchema(Schema):
    """The one shape of every error the API answers."""

    error = fields.Nested(ErrorDetailSchema, required=True)


RATE_LIMITED = {
    "description": "Too many requests from this client; try again after Retry-After seconds",
    "headers": {"Retry-After": {"description": "Seconds to wait",
                                "schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": ErrorSchema}},
}


SERVICE_UNAVAILABLE = {
    "description": "The search index is being built or busy; try again after Retry-After seconds",
    "headers": {"Retry-After": {"description": "Seconds to wait",
                                "schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": ErrorSchema}},
}
# Answers before routing (directory/errors.py), so any operation can give them.
BAD_REQUEST = {
    "description": "A NUL character in the path or query, or a JSON body that cannot be read",
    "content": {"application/json": {"schema": ERROR_REF}},
}
PAYLOAD_TOO_LARGE = {
    "description": "The request body is larger than the server accepts",
    "content": {"application/json": {"schema": ERROR_REF}},
}
PRECONDITION_FAILED = {
    "description": "If-Match names no current version of this resource",
    "content": {"application/json": {"schema": ERROR_REF}},
}
CONFLICT = {
    "description": "The change conflicts with what is stored (a slug or appearance that "
                   "exists, a business already deleted or restored)",
    "content": {"application/json": {"schema": ERROR_REF}},
}


class ErrorResponsesPlugin(BasePlugin):
    """Add the answers every operation can give, whatever its view declares."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
                operation.setdefault("security", [{BEARER: []}])
                responses.setdefault(401, "UNAUTHORIZED")
                if method != "get":
                    responses.setdefault(409, CONFLICT)
            elif is_public_path(path):
                responses.setdefault(429, "RATE_LIMITED")
                if method in ("get", "head"):
                    responses.setdefault(304, "NOT_MODIFIED")
                    responses.setdefault(412, PRECONDITION_FAILED)
            if "{" in path:
                responses.setdefault(404, "NOT_FOUND")
            responses.setdefault(400, BAD_REQUEST)
            responses.setdefault(413, PAYLOAD_TOO_LARGE)
            responses.setdefault(500, "INTERNAL_SERVER_ERROR")
            responses.setdefault(503, "SERVICE_UNAVAILABLE")
            responses.setdefault("default", "DEFAULT_ERROR")
            for code, response in responses.items():
                # An error a view declared with a description only still has the one body.
                if (str(code)[0] in "45" and isinstance(response, dict)
                        and "content" not in response and "$ref" not in response):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}


def document(api) -> None:
    """Register the components the plugin refers to."""
    api.spec.components.response("RATE_LIMITED", RATE_LIMITED)
    api.spec.components.response("SERVICE_UNAVAILABLE", SERVICE_UNAVAILABLE)
    # The bearer scheme itself is declared by directory.admin, beside the routes it guards.
    api.spec.options.setdefault("servers", [{"url": "/"}])
