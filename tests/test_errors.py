"""One JSON error shape for every kind of error."""

import pytest

from tests.helpers import assert_error_shape


def test_unknown_route_is_json_404(client):
    assert_error_shape(client.get("/api/v1/nothing-here"), 404)


def test_unknown_business_is_json_404(client):
    assert_error_shape(client.get("/api/v1/businesses/nope"), 404)


def test_wrong_method_is_json_405_with_allow(client):
    response = client.post("/api/v1/businesses")
    assert_error_shape(response, 405)
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_json_413(tmp_path):
    from tests.conftest import make_app

    client = make_app(tmp_path, MAX_CONTENT_LENGTH=100).test_client()
    assert_error_shape(client.post("/api/v1/businesses", data=b"x" * 1000), 413)


@pytest.mark.parametrize(("query", "field"), [
    ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=0", "page"),
    ("page=abc", "page"), ("sort=random", "sort"), ("category=makanan", "category"),
    ("district=Batu", "district"), ("kelurahan=Atlantis", "kelurahan"), ("year=19", "year"),
    ("rubric=weekly", "rubric"),
])
def test_bad_parameter_is_422_naming_it(client, query, field):
    response = client.get(f"/api/v1/businesses?{query}")
    body = assert_error_shape(response, 422)
    assert field in body["fields"]


def test_features_bad_parameter_is_422(client):
    body = assert_error_shape(client.get("/api/v1/features?rubric=nope"), 422)
    assert "rubric" in body["fields"]


def test_unexpected_failure_is_json_500_without_details(tmp_path, caplog):
    from tests.conftest import make_app

    app = make_app(tmp_path)

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom")
    body = assert_error_shape(response, 500)
    assert "secret" not in body["message"]
    assert "secret internals" in caplog.text


@pytest.mark.parametrize("url", ["/api/v1/businesses?q=a%00b", "/api/v1/businesses?district=%00",
                                 "/api/v1/businesses/a%00b"])
def test_a_nul_character_in_the_request_is_a_400(client, url):
    assert_error_shape(client.get(url), 400)


@pytest.mark.parametrize("url", [
    "/api/v1/businesses?year=19", "/api/v1/businesses?year=2021&year=19&year=abc",
    "/api/v1/features?year=3000", "/api/v1/export/businesses.csv?year=19",
])
def test_a_repeatable_parameter_names_its_messages_as_a_list_like_any_other(client, url):
    body = assert_error_shape(client.get(url), 422)
    messages = body["fields"]["year"]
    assert isinstance(messages, list) and messages
    assert all(isinstance(text, str) and text for text in messages)
