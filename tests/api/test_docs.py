"""The API's documentation: an OpenAPI document and a readable page, with nothing from a CDN."""

import re

import pytest

from api.v1 import api

pytestmark = pytest.mark.django_db


def test_openapi_document_is_public_and_describes_bearer_tokens(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["AccessTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert set(schema["paths"]) == {"/api/v1/courses", "/api/v1/courses/{course_id}", "/api/v1/completions",
                                    "/api/v1/certificates", "/api/v1/certificates/{code}",
                                    "/api/v1/learners/{learner_id}/transcript"}


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
