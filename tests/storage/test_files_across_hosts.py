"""Web and worker on different hosts share files only through an S3-compatible store.

The store is moto's S3 server on a free loopback port. The web is this test process (the
test client); the worker is a real `celery worker` process. Each has a MEDIA_ROOT and a
staging folder of its own, and the broker is a Redis of the test's own, so the only way a
file written by one can reach the other is the bucket.
"""

import io
import time
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from certificates import exports
from certificates.models import Certificate, CertificateBatch, CertificateStatus
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory, UserFactory
from tests.storage.conftest import ACCESS_KEY, BUCKET, REGION, SECRET_KEY, files_under, keys_in

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_START_SECONDS = 120  # a cold start imports Django and WeasyPrint and scans the fonts
LEARNER_NAME = "Ngozi Abernathy-Castillo, MD"
RESOURCE_BYTES = b"%PDF-1.7\n% the faculty handbook\n%%EOF\n"


@pytest.fixture
def worker_host(s3_store, app_broker_is_private_redis, start_worker_process, tmp_path):
    """A worker process as another host would run it: same bucket, database and broker, its own folders."""
    folder = tmp_path / "worker"
    start_worker_process(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_store,
        AWS_S3_REGION_NAME=REGION,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        MEDIA_ROOT=str(folder / "media"),
        VAR_DIR=str(folder / "var"),
        REDIS_URL=app_broker_is_private_redis.url,
    )
    return folder


def administrator():
    """A superuser with a second factor enrolled, as the admin requires."""
    user = UserFactory(email="cme-office@example.org", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("JBSWY3DPEHPK3PXP")})
    return user


def png_logo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "#0B5F73").save(buffer, format="PNG")
    return buffer.getvalue()


def wait_for_ready(certificate: Certificate) -> Certificate:
    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        certificate.refresh_from_db()
        if certificate.status in (CertificateStatus.READY, CertificateStatus.FAILED):
            break
        time.sleep(0.2)
    assert certificate.status == CertificateStatus.READY, certificate.last_error
    return certificate


def test_certificates_exports_resources_and_looks_travel_between_web_and_worker_only_through_the_bucket(
    client, web_host, worker_host, s3_store, monkeypatch
):
    office = client.__class__()
    office.force_login(administrator())
    course = build_course(slug="feedback-across-hosts")

    # The course look: the administrator uploads a logo on the web; the worker prints it.
    look = office.post(
        reverse("admin:certificates_certificatelook_add"),
        {
            "course": course.pk,
            "logo": SimpleUploadedFile("logo.png", png_logo(), content_type="image/png"),
            "signatory_name": "Dr. Wen Halvorsen",
            "signatory_title": "CME Director",
            "accent_colour": "#0B5F73",
        },
    )
    assert look.status_code == 302, look.content.decode()[:2000]

    # A learner claims credit on the web; the worker renders and stores the PDF.
    learner = ProfileFactory(certificate_name=LEARNER_NAME).user
    complete_course(learner, course)
    client.force_login(learner)
    client.post(reverse("certificates:claim", args=[course.slug]), {"credits": "1.75", "attest": "on"})
    certificate = wait_for_ready(Certificate.objects.get())

    download = client.get(reverse("certificates:download", args=[certificate.code]))
    assert download.status_code == 200
    pdf = b"".join(download.streaming_content)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert LEARNER_NAME in page.extract_text()
    assert len(page.images) == 1, "the logo uploaded on the web is printed by the worker"

    # Another learner gets a 404, not the file.
    client.force_login(ProfileFactory().user)
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404

    # An export the worker builds (any selection above the streaming limit), downloaded on the web.
    monkeypatch.setattr(exports, "ZIP_STREAM_LIMIT", 0)
    office.post(
        reverse("admin:certificates_certificate_changelist"),
        {"action": "download_zip_selected", "_selected_action": [certificate.pk], "index": "0"},
    )
    batch = CertificateBatch.objects.get()
    status_url = reverse("admin:certificates_certificate_batch_status", args=[batch.pk])
    deadline = time.monotonic() + 60
    while 'data-finished="true"' not in office.get(status_url).content.decode():
        assert time.monotonic() < deadline, "the worker never finished the export"
        time.sleep(0.2)
    archive_response = office.get(reverse("admin:certificates_certificate_batch_download", args=[batch.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(archive_response.streaming_content)))
    assert archive.read(f"{certificate.code}.pdf") == pdf

    # A library resource: uploaded by the administrator, downloaded by a verified learner.
    added = office.post(
        reverse("admin:library_resource_add"),
        {
            "title": "Faculty handbook",
            "slug": "faculty-handbook",
            "description": "How we teach.",
            "is_listed": "on",
            "file": SimpleUploadedFile("handbook.pdf", RESOURCE_BYTES, content_type="application/pdf"),
        },
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    client.force_login(learner)
    resource = client.get(reverse("library:download", args=["faculty-handbook"]))
    assert resource.status_code == 200
    assert b"".join(resource.streaming_content) == RESOURCE_BYTES

    assert keys_in(s3_store) == sorted(
        [
            f"certificates/{certificate.code}-1.pdf",
            f"certificate-look/{course.pk}/logo.png",
            f"exports/certificates-batch-{batch.pk}.zip",
            "resources/handbook.pdf",
        ]
    )
    assert files_under(web_host) == [], "the web host kept nothing of its own"
    assert [name for name in files_under(worker_host) if not name.startswith("var/")] == []
    assert [name for name in files_under(worker_host / "var") if name.startswith(("media", "staging"))] == []
