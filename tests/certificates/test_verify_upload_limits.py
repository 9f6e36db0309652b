"""The public verification page takes a certificate PDF from anyone, so it must not take more.

These talk to a live server over a socket, declaring bodies they never send: a server that
starts reading such a body waits for the rest, and the test's short timeout says so.
"""

import hashlib
import http.client
import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.records import bare_course, certificate, completion

pytestmark = pytest.mark.django_db(transaction=True)

# A well-formed CSRF cookie and the same token in the form: without them Django's CSRF check
# turns a POST away before reading its body, and these tests would prove nothing.
CSRF_TOKEN = "k" * 32
BOUNDARY = "docere-test-boundary"
ANSWER_WITHIN_SECONDS = 5


@pytest.fixture
def issued(transactional_db):
    return certificate(completion(bare_course(title="Teaching at the bedside"), name="Ines Okafor, DO"))


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def _multipart_start() -> bytes:
    """The first part of a form upload: the CSRF field, then a PDF whose bytes have only begun."""
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{CSRF_TOKEN}\r\n"
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="pdf"; filename="certificate.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF-1.7\n"
        + b"0" * 64 * 1024
    )


def _post_declaring(
    live_server, path: str, *, declared_bytes: int | None, body: bytes = b"", chunked: bool = False
) -> tuple[int, str]:
    """POST `body` while declaring `declared_bytes`, and read the answer without sending more."""
    address = urllib.parse.urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=ANSWER_WITHIN_SECONDS)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
        connection.putheader("Cookie", f"csrftoken={CSRF_TOKEN}")
        if chunked:
            connection.putheader("Transfer-Encoding", "chunked")
        if declared_bytes is not None:
            connection.putheader("Content-Length", str(declared_bytes))
        connection.endheaders()
        connection.send(body)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_an_upload_over_two_megabytes_is_refused_unread_with_a_clear_message(live_server, issued, upload_temp_dir):
    status, page = _post_declaring(
        live_server, f"/verify/{issued.code}/", declared_bytes=300 * 1024 * 1024, body=_multipart_start()
    )
    assert status == 413
    assert "This file is larger than 2 MB, so it was not read." in page
    # The message sits under the file control and is read out with it.
    assert '<div class="error" id="id_pdf_error"><p>This file is larger than 2 MB' in page
    assert 'aria-invalid="true" aria-describedby="id_pdf_helptext id_pdf_error"' in page
    assert issued.learner_name in page  # still the certificate's page, ready for the right file
    assert list(upload_temp_dir.iterdir()) == []


def test_an_upload_to_an_unknown_code_is_answered_without_reading_it(live_server, transactional_db, upload_temp_dir):
    status, page = _post_declaring(live_server, "/verify/ZZZZZZZZZZ/", declared_bytes=10 * 1024 * 1024)
    assert status == 404
    assert "No certificate with this code has been issued" in page
    assert list(upload_temp_dir.iterdir()) == []


def test_a_client_over_the_verification_limit_is_refused_an_upload_without_it_being_read(live_server, issued):
    browser = Client()
    # 30 a minute; at most two windows stand between this client and the limit.
    statuses = []
    while 429 not in statuses and len(statuses) < 62:
        statuses.append(browser.get(f"/verify/{issued.code}/").status_code)
    status, page = _post_declaring(live_server, f"/verify/{issued.code}/", declared_bytes=10 * 1024 * 1024)
    assert status == 429
    assert "Too many requests" in page


def test_an_upload_that_does_not_state_its_size_is_refused(live_server, issued):
    status, page = _post_declaring(
        live_server, f"/verify/{issued.code}/", declared_bytes=None, chunked=True, body=b"0\r\n\r\n"
    )
    assert status == 411
    assert "The upload did not state its size." in page


def test_the_verification_upload_still_requires_the_pages_csrf_token(issued):
    issued.pdf_sha256 = hashlib.sha256(b"%PDF-the-issued-file").hexdigest()
    issued.save(update_fields=["pdf_sha256"])
    browser = Client(enforce_csrf_checks=True)
    url = f"/verify/{issued.code}/"
    forged = browser.post(url, {"pdf": SimpleUploadedFile("c.pdf", b"%PDF-the-issued-file", "application/pdf")})
    assert forged.status_code == 403

    page = browser.get(url).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    checked = browser.post(
        url,
        {"csrfmiddlewaretoken": token, "pdf": SimpleUploadedFile("c.pdf", b"%PDF-the-issued-file", "application/pdf")},
    )
    assert checked.status_code == 200
    assert "Identical." in checked.content.decode()
