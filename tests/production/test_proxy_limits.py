"""The rate limits and the body limit on the production stack, as visitors on the internet meet them."""

import http.client

import pytest

from tests.nginx import Visitor
from tests.production.conftest import COLLEAGUE, GUESSER, PASSWORD

pytestmark = pytest.mark.production


def test_eleven_failed_logins_lock_out_that_visitor_and_no_one_else(stack):
    guesser = Visitor(stack.proxy, "127.0.0.2")
    # Wrong passwords for eleven different accounts: over the per-address limit (10 a minute)
    # and under the per-account one, so only the visitor's address can be what is counted.
    for attempt in range(11):
        status, _ = guesser.sign_in(f"nobody{attempt}@example.org", "not-the-password")
        assert status in (200, 429) and not guesser.is_signed_in_by(status)
    status, page = guesser.sign_in(GUESSER, PASSWORD)
    assert not guesser.is_signed_in_by(status)
    assert "Too many failed login attempts" in page or status == 429

    colleague = Visitor(stack.proxy, "127.0.0.3")
    status, _ = colleague.sign_in(COLLEAGUE, PASSWORD)
    assert colleague.is_signed_in_by(status)


def test_nginx_refuses_a_verification_upload_over_the_limit_before_docere_sees_it(stack):
    connection = http.client.HTTPSConnection(
        "127.0.0.1", stack.proxy.https_port, timeout=30, context=stack.proxy.ssl_context()
    )
    declared = 3 * 1024 * 1024
    try:
        # As an uploader of a 3 MB file starts: the headers and the first part of the body.
        # nginx answers from the declared length, without waiting for the rest.
        connection.putrequest("POST", "/verify/ZZZZZZZZZZ/")
        connection.putheader("Content-Type", "application/pdf")
        connection.putheader("Content-Length", str(declared))
        connection.endheaders()
        connection.send(b"%PDF-1.7\n" + b"0" * 65_536)
        response = connection.getresponse()
        assert response.status == 413
        assert "nginx" in response.read().decode()
    finally:
        connection.close()
    # Refused at the proxy: the request never reached gunicorn.
    assert "/verify/ZZZZZZZZZZ/" not in (stack.folder / "gunicorn.log").read_text()
