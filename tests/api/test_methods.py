"""Which HTTP methods the API answers: HEAD wherever GET works, a JSON 405 for the rest."""

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.test import RequestFactory
from django.urls import resolve

from api.models import ApiCall
from api.v1 import api
from tests.api.records import bare_course, certificate, completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_get_path(db):
    """Each GET path of the OpenAPI document, its ids filled with rows that exist."""
    made = certificate(completion(bare_course()))
    ids = {"course_id": made.course_id, "code": made.code, "learner_id": made.user_id}
    paths = [
        path.format(**ids) for path, operations in api.get_openapi_schema()["paths"].items() if "get" in operations
    ]
    assert len(paths) == 6
    return paths


def test_head_answers_every_get_path_with_gets_status_and_headers(client, token, every_get_path):
    authorization = {"Authorization": f"Bearer {token}"}
    for path in every_get_path:
        got, head = client.get(path, headers=authorization), client.head(path, headers=authorization)
        # RFC 9110 §9.3.2: the same status and header fields as GET, without content.
        assert (head.status_code, head.content) == (200, b""), path
        # Expires is stamped with the time of each response: the two may fall in different seconds.
        assert without_expires(head.headers) == without_expires(got.headers), path
        assert abs(expires_at(head) - expires_at(got)) <= timedelta(seconds=2), path
        assert int(head["Content-Length"]) == len(got.content) > 0, path


def without_expires(headers) -> dict:
    return {name: value for name, value in headers.items() if name.lower() != "expires"}


def expires_at(response) -> datetime:
    return parsedate_to_datetime(response["Expires"])


def test_head_is_authenticated_like_get(client, every_get_path):
    for path in every_get_path[1:]:  # /courses first: its catalog scope is the same check
        for headers in ({}, {"Authorization": "Bearer dct_not-a-real-token"}):
            got, head = client.get(path, headers=headers), client.head(path, headers=headers)
            assert head.status_code == got.status_code == 401, path
            assert head["WWW-Authenticate"] == got["WWW-Authenticate"], path
            assert head.content == b""


def test_head_sends_no_body_even_before_the_server_strips_it(token, every_get_path):
    # The test client drops HEAD bodies itself; calling the view shows the API does too.
    request = RequestFactory().head("/api/v1/courses", headers={"Authorization": f"Bearer {token}"})
    response = resolve("/api/v1/courses").func(request)
    assert response.status_code == 200 and response.content == b""
    assert int(response["Content-Length"]) > 2


def test_head_calls_are_logged_as_head(client, token):
    client.head("/api/v1/completions", {"limit": 5}, headers={"Authorization": f"Bearer {token}"})
    call = ApiCall.objects.get()
    assert (call.method, call.status_code, call.query) == ("HEAD", 200, "limit=5")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_method_an_endpoint_does_not_answer_is_a_json_405_with_allow(client, token, method):
    response = getattr(client, method)("/api/v1/completions", headers={"Authorization": f"Bearer {token}"})
    # RFC 9110 §15.5.6: a 405 lists the methods the resource does answer.
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": f"{method.upper()} is not allowed here. This path answers: GET, HEAD."}


def test_the_openapi_document_and_docs_page_answer_get_and_head_only(client):
    for path in ("/api/v1/openapi.json", "/api/v1/docs/"):
        assert client.head(path).status_code == 200
        refused = client.post(path)
        assert (refused.status_code, refused["Allow"]) == (405, "GET, HEAD")
        assert refused.json()["message"] == "POST is not allowed here. This path answers: GET, HEAD."
