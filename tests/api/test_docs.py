"""The API's documentation: an OpenAPI document and a readable page, with nothing from a CDN."""

import re

import pytest

from api.v1 import api
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db


def test_openapi_document_is_public_and_describes_bearer_tokens(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["AccessTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert set(schema["paths"]) == {
        "/api/v1/courses",
        "/api/v1/courses/{course_id}",
        "/api/v1/completions",
        "/api/v1/certificates",
        "/api/v1/certificates/{code}",
        "/api/v1/learners/{learner_id}/transcript",
    }


def test_docs_page_lists_every_endpoint_of_the_schema(client):
    page = client.get("/api/v1/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in html


def test_docs_page_loads_nothing_from_elsewhere_and_runs_no_inline_script(client):
    page = client.get("/api/v1/docs/")
    html = page.content.decode()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith(("/", "#")) for source in sources), sources
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "/static/api/docs.css" in html


def test_openapi_document_describes_the_422_errors_list_and_the_bearer_challenges(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    for operations in schema["paths"].values():
        responses = operations["get"]["responses"]
        assert responses["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ValidationErrorOut"
        }
        for status in ("401", "403"):
            assert responses[status]["headers"]["WWW-Authenticate"]["required"] is True
    assert set(components["ValidationErrorOut"]["required"]) == {"message", "errors"}
    assert set(components["ProblemOut"]["properties"]) == {"location", "field", "message"}


def test_docs_page_explains_the_error_shapes(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert '{"message": "…", "errors": [{"location": "query", "field": "limit", "message": "…"}]}' in html
    assert 'error="invalid_token"' in html and 'error="insufficient_scope"' in html
    assert "<code>405</code>" in html and "<code>Allow</code>" in html and "HEAD" in html


def test_the_documented_challenges_match_what_refusals_send(client, token):
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/completions"]["get"]["responses"]
    pattern = {
        status: responses[str(status)]["headers"]["WWW-Authenticate"]["schema"]["pattern"] for status in (401, 403)
    }
    catalog = make_token(scope="read:catalog", name="Catalog")
    for headers, status in (
        ({}, 401),
        ({"Authorization": "Bearer dct_nope"}, 401),
        ({"Authorization": f"Bearer {catalog}"}, 403),
    ):
        response = client.get("/api/v1/completions", headers=headers)
        assert response.status_code == status
        assert re.fullmatch(pattern[status], response["WWW-Authenticate"]), response["WWW-Authenticate"]
