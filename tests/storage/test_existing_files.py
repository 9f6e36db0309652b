"""Certificates issued while files lived under MEDIA_ROOT keep downloading: their rows name
the file relative to MEDIA_ROOT, and the same name is the object's key once the folder is
copied into a bucket (docs/operations.md, "Moving existing files")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from certificates import services
from lms import env
from tests.certificates.conftest import RENDER_TASK_ID
from tests.storage.conftest import ACCESS_KEY, BUCKET, REGION, SECRET_KEY, keys_in, s3_client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 a certificate issued before the storage API"


def issued_the_old_way(certificate, media):
    """The file written straight into MEDIA_ROOT, and the row naming it, as releases before did."""
    (media / "certificates").mkdir(parents=True)
    (media / "certificates" / f"{certificate.code}-1.pdf").write_bytes(PDF)
    services.certificate_mark_rendering(certificate_id=certificate.pk, generation=1, task_id=RENDER_TASK_ID)
    assert services.certificate_mark_ready(
        certificate_id=certificate.pk,
        generation=1,
        task_id=RENDER_TASK_ID,
        path=f"certificates/{certificate.code}-1.pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    certificate.refresh_from_db()
    return certificate


def downloaded(client, certificate) -> bytes:
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_certificate_stored_under_media_root_downloads_from_the_folder_and_then_from_the_bucket(
    client, physician, completed_enrollment, private_media, s3_store, settings, tmp_path
):
    certificate = services.credit_claim_create(
        enrollment=completed_enrollment, user=physician, credits=Decimal("1.75"), attested=True
    )
    certificate = issued_the_old_way(certificate, private_media)
    client.force_login(physician)
    assert downloaded(client, certificate) == PDF

    # The operator copies the folder into the bucket under the same keys and switches the store.
    for path in private_media.rglob("*.pdf"):
        s3_client(s3_store).upload_file(str(path), BUCKET, str(path.relative_to(private_media)))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": env.s3_storage_config(
            bucket_name=BUCKET, endpoint_url=s3_store, region_name=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY
        ),
    }
    settings.MEDIA_ROOT = str(tmp_path / "a-new-host")

    assert keys_in(s3_store) == [certificate.pdf_path]
    assert downloaded(client, certificate) == PDF
