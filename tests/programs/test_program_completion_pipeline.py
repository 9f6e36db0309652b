"""A participant's request → the real certificate worker → a stored PDF that says
"completion" and no credit, a ready e-mail, and a /verify/ page anyone can open."""

import io
import time

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateStatus
from tests.certificates.test_pipeline import wait_for_status
from tests.factories import ProfileFactory
from tests.programs.factories import ParticipantFactory, cohort_with_curriculum
from tests.projects.factories import participant_progress

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_requested_certificate_of_completion_is_rendered_by_the_worker_and_verifies(
    client, private_media, celery_worker
):
    cohort = cohort_with_curriculum(sessions=5, courses=1)
    user = ProfileFactory(certificate_name="Imani Okafor-Reyes, MD").user
    participant_progress(ParticipantFactory(cohort=cohort, user=user), sessions_attended=4)
    client.force_login(user)

    client.post(reverse("program_completion:request_certificate", args=[cohort.pk]))
    certificate = wait_for_status(Certificate.objects.get(), {CertificateStatus.READY})

    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Certificate of Completion",
        "Imani Okafor-Reyes, MD",
        cohort.program.title,
        f"{cohort.year} cohort",
        certificate.display_code,
        "Verify at",
    ):
        assert expected in text, expected
    assert "completion" in text.lower()
    assert "AMA PRA" not in text and "Credit" not in text and "accredited" not in text
    assert "AMA PRA" not in (reader.metadata.subject or "")

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not certificate.events.filter(kind="emailed").exists():
        time.sleep(0.1)
    assert any(
        f'certificate of completion for "{cohort.program.title}" is ready' in message.body for message in mail.outbox
    )

    client.logout()
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Valid." in page and cohort.program.title in page
    assert "Program certificate of completion" in page and "no CME credit" in page
    assert "Open Badges" not in page
