"""A live session's claim through the real worker: the certificate PDF, read back, names the
session, says it was a live course and is dated the day of the session."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateStatus
from tests.certificates.test_pipeline import wait_for_status
from tests.programs.test_live_credit import attendee, designated_session, url, walk_to_claim

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_attendees_claim_becomes_a_live_course_certificate_they_download(client, private_media, celery_worker):
    session = designated_session(credits="1.50")
    client.force_login(attendee(session, certificate_name="Amara Fenwick-Oduya, MD"))
    walk_to_claim(client, session)

    client.post(url("claim", session), {"credits": "1.5", "attest": "on"})
    certificate = wait_for_status(Certificate.objects.get(), {CertificateStatus.READY})

    page = client.get(url("session_credit", session)).content.decode()
    download = reverse("certificates:download", args=[certificate.code])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    held_on = session.starts_at.astimezone(ZoneInfo(session.time_zone)).date()
    for expected in (
        "Amara Fenwick-Oduya, MD",
        session.title,
        "Live course",
        # The day it was held where it was held (Chicago): not always the day in UTC.
        f"completed {held_on:%B} {held_on.day}, {held_on.year}",
        "1.5",
        certificate.display_code,
    ):
        assert expected in text, expected
