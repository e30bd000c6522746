"""The OpenAPI document covers the URL map exactly, with the one error shape everywhere."""

import re

import pytest

# Pages for people and the document itself: not operations of the API.
NOT_OPERATIONS = re.compile(r"^/api/(openapi\.json|docs(/.*)?)$")
# Files for programs outside /api, documented with it: feeds, crawlers' files, the catalogue.
DOCUMENTED_OUTSIDE = re.compile(r"^/(feeds/<name>\.atom|sitemap\.xml|robots\.txt|data\.json)$")


def url_map_operations(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        outside = DOCUMENTED_OUTSIDE.match(rule.rule)
        if not (rule.rule.startswith("/api/") or outside) or NOT_OPERATIONS.match(rule.rule):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def spec_operations(spec) -> set[tuple[str, str]]:
    return {(path, method) for path, item in spec["paths"].items()
            for method in item if method != "parameters"}


@pytest.fixture
def spec(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def test_every_api_route_is_documented_and_nothing_else(app, spec):
    assert url_map_operations(app) == spec_operations(spec)


def test_every_operation_refers_to_the_error_shape_for_its_failures(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            assert responses["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
            assert "500" in responses, (path, method)
            errors = [code for code in responses if code[0] in "45"]
            for code in errors:
                response = responses[code]
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].split("/")[-1]]
                content = response["content"]
                assert content["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"}, (path, method, code)


def test_error_schema_is_the_projects_error_body(spec, client):
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["required"] == ["error"]
    assert set(schemas["ErrorDetail"]["properties"]) == {"status", "code", "message", "fields"}
    body = client.get("/api/v1/businesses?per_page=0").json
    assert set(body) == {"error"} and set(body["error"]) <= {"status", "code", "message", "fields"}


def test_query_parameters_and_their_422_are_documented(spec):
    operation = spec["paths"]["/api/v1/businesses"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "category", "district", "kelurahan", "rubric", "year", "sort", "page",
            "per_page"} <= names
    assert "422" in operation["responses"]
    assert "404" in spec["paths"]["/api/v1/businesses/{slug}"]["get"]["responses"]


def test_public_reads_document_304_and_429(spec):
    responses = spec["paths"]["/api/v1/stats"]["get"]["responses"]
    assert {"304", "429"} <= set(responses)
    limited = spec["components"]["responses"]["RATE_LIMITED"]
    assert "Retry-After" in limited["headers"]


def test_admin_routes_need_the_bearer_token(app, spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            admin = path.startswith("/api/v1/admin")
            assert (operation.get("security") == [{"bearerAuth": []}]) == admin, path
            # The rate limit covers /api/ (feeds, sitemap and /data.json are cheap files).
            limited = path.startswith("/api/") and not admin
            assert ("429" in operation["responses"]) == limited, path


def test_the_plugin_marks_an_admin_operation(spec):
    from directory.api.spec import ErrorResponsesPlugin

    operations = {"post": {"responses": {}}}
    ErrorResponsesPlugin().operation_helper(path="/api/v1/admin/imports", operations=operations)
    assert operations["post"]["security"] == [{"bearerAuth": []}]
    assert "401" in {str(code) for code in operations["post"]["responses"]}
    assert 429 not in operations["post"]["responses"]


def test_docs_page_is_served_by_the_app_without_other_origins(client):
    with client.get("/api/docs") as page:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html  # no inline script
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    for asset in ("api-docs.js", "api-docs.css"):
        assert f'"/assets/{asset}?v=' in html
        with client.get(f"/assets/{asset}") as response:
            assert response.status_code == 200
            assert "https://" not in response.get_data(as_text=True)
    assert client.get("/api/docs/secrets.py").status_code == 404
