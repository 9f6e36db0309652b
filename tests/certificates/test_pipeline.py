"""Claim → real worker → stored PDF → ready, and the PDF read back as a reader would."""

import hashlib
import io
import time

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from certificates.models import Certificate, CertificateStatus
from certificates.rendering import stored_pdf_bytes
from tests.qr_reading import qr_texts_in_pdf

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_for_status(certificate, statuses, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        certificate.refresh_from_db()
        if certificate.status in statuses:
            return certificate
        time.sleep(0.1)
    raise AssertionError(f"certificate stayed {certificate.status}: {certificate.last_error}")


def test_claimed_certificate_is_rendered_by_the_worker_and_downloads_as_a_readable_pdf(
    client, physician, completed_enrollment, private_media, celery_worker
):
    client.force_login(physician)
    client.post(
        reverse("certificates:claim", args=[completed_enrollment.course.slug]), {"credits": "1.75", "attest": "on"}
    )
    certificate = wait_for_status(Certificate.objects.get(), {CertificateStatus.READY})

    assert certificate.issued_at is not None
    stored = stored_pdf_bytes(certificate)
    assert certificate.pdf_size == len(stored)
    assert certificate.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    assert [event.kind for event in certificate.events.all()][:2] == ["created", "rendered"]

    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf_bytes = b"".join(response.streaming_content)
    assert pdf_bytes == stored

    reader = PdfReader(io.BytesIO(pdf_bytes))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Amara Fenwick-Oduya, MD",
        completed_enrollment.course.title,
        "1.75",
        "AMA PRA Category 1",
        certificate.display_code,
    ):
        assert expected in text, expected
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (792, 612), "one landscape US-letter page"

    fonts = page["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()
        descendants = descriptor.get("/DescendantFonts")
        descriptor = descendants[0].get_object() if descendants else descriptor
        font_descriptor = descriptor["/FontDescriptor"].get_object()
        assert any(key in font_descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), "fonts embedded"

    metadata = reader.metadata
    assert certificate.display_code in metadata.title
    assert metadata.author == completed_enrollment.course.provider_name
    assert "AMA PRA Category 1" in metadata.subject
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root, "the PDF is tagged for screen readers"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    # The printed QR code, read from the page's pixels, opens this certificate's verification page.
    assert qr_texts_in_pdf(pdf_bytes) == [certificate.verify_url]

    # The learner is emailed a link once the certificate is ready.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not certificate.events.filter(kind="emailed").exists():
        time.sleep(0.1)
    assert any("/certificates/" in message.body for message in mail.outbox)
