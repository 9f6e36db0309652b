"""The transcript PDF as a learner gets it: asked for on the transcript page, prepared by the
worker while the page says so, then a download link to the learner's own file only."""

import io
import time
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from certificates import services, transcript_services
from certificates.models import TranscriptPdf, TranscriptPdfStatus
from tests.certificates.conftest import complete_course, transcript_pdf_ready
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory


def claim(user, slug: str) -> None:
    enrollment = complete_course(user, build_course(slug=slug))
    services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal("1.75"), attested=True)


def pdf_text(response) -> str:
    return PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_prepares_the_transcript_pdf_while_the_page_says_so(client, physician, private_media, celery_worker):
    claim(physician, "handoffs-that-hold")
    client.force_login(physician)
    page = client.get(reverse("certificates:transcript")).content.decode()
    assert "Prepare a PDF" in page and "transcript_pdf_download" not in page

    response = client.post(reverse("certificates:transcript_pdf_request"), follow=True)

    page = response.content.decode()
    status_url = reverse("certificates:transcript_pdf_status")
    assert "being prepared" in page
    assert f'hx-get="{status_url}"' in page or "Download PDF" in page
    deadline = time.monotonic() + 60
    while "Download PDF" not in (block := client.get(status_url).content.decode()):
        assert time.monotonic() < deadline, f"the worker never prepared the PDF: {block}"
        time.sleep(0.1)
    assert "hx-trigger" not in block, "polling stops once the PDF is ready"

    download = client.get(reverse("certificates:transcript_pdf_download"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "Course handoffs-that-hold" in pdf_text(download) or "handoffs-that-hold" in pdf_text(download).lower()
    stored = TranscriptPdf.objects.get(user=physician)
    assert default_storage.exists(stored.file_name)


@pytest.mark.django_db
def test_a_learner_never_reaches_another_learners_transcript_pdf(client, physician, private_media):
    claim(physician, "private-record")
    transcript_pdf_ready(physician)
    other = ProfileFactory(certificate_name="Noor Ellison-Baptiste, MD").user
    client.force_login(other)

    assert client.get(reverse("certificates:transcript_pdf_download")).status_code == 404
    assert "Download PDF" not in client.get(reverse("certificates:transcript_pdf_status")).content.decode()

    transcript_pdf_ready(other)
    text = pdf_text(client.get(reverse("certificates:transcript_pdf_download")))
    assert "Noor Ellison-Baptiste, MD" in text
    assert "Amara Fenwick-Oduya" not in text and "private-record" not in text.lower()


@pytest.mark.django_db
def test_asking_again_prints_the_new_claim_and_removes_the_old_file(
    client, physician, private_media, django_capture_on_commit_callbacks
):
    claim(physician, "first-activity")
    first = transcript_pdf_ready(physician)
    claim(physician, "second-activity")

    second = transcript_services.transcript_pdf_request(user=physician)
    with django_capture_on_commit_callbacks(execute=True):
        transcript_services.transcript_pdf_render(transcript_id=second.pk, generation=second.generation)
    second.refresh_from_db()

    assert second.generation == first.generation + 1
    assert not default_storage.exists(first.file_name)
    client.force_login(physician)
    assert "second-activity" in pdf_text(client.get(reverse("certificates:transcript_pdf_download"))).lower()


@pytest.mark.django_db
def test_a_late_render_of_an_older_request_leaves_no_file_and_changes_nothing(physician, private_media):
    claim(physician, "late-render")
    older = transcript_services.transcript_pdf_request(user=physician)
    TranscriptPdf.objects.filter(pk=older.pk).update(status=TranscriptPdfStatus.FAILED)
    newer = transcript_services.transcript_pdf_request(user=physician)

    assert transcript_services.transcript_pdf_render(transcript_id=older.pk, generation=older.generation) is None

    newer.refresh_from_db()
    assert newer.status == TranscriptPdfStatus.PENDING and newer.file_name == ""
    assert not list((private_media / "transcripts").glob("*.pdf"))
