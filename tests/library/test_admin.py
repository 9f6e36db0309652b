"""CME administrators upload resources in the admin; files land in private storage and the
admin shows their names, never a public link."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.models import Resource, ResourceDownload
from tests.library.conftest import PDF_BYTES
from tests.reports.conftest import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    """A CME administrator (staff_member enrols their second factor, as the admin requires)."""
    user = staff_member("office@example.org", "CME administrators")
    client.force_login(user)
    return client


def test_administrator_uploads_a_resource_into_private_storage(office, private_media):
    response = office.post(
        reverse("admin:library_resource_add"),
        {
            "title": "MedEd's horizon",
            "slug": "mededs-horizon",
            "description": "Essays.",
            "is_listed": "on",
            "file": SimpleUploadedFile("horizon.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get()
    assert resource.file.name.startswith("resources/")
    assert (private_media / resource.file.name).read_bytes() == PDF_BYTES
    change = office.get(reverse("admin:library_resource_change", args=[resource.pk])).content.decode()
    assert "horizon.pdf" in change
    assert "/media/" not in change


def test_a_file_that_is_not_a_document_is_refused(office):
    response = office.post(
        reverse("admin:library_resource_add"),
        {
            "title": "Script",
            "slug": "script",
            "description": "No.",
            "file": SimpleUploadedFile("run.sh", b"echo hi", content_type="text/x-sh"),
        },
    )

    assert response.status_code == 200
    assert not Resource.objects.exists()


def test_the_download_log_is_read_only(office, resource):
    ResourceDownload.objects.create(resource=resource, user=staff_member("reader@example.org"))

    assert office.get(reverse("admin:library_resourcedownload_changelist")).status_code == 200
    assert office.get(reverse("admin:library_resourcedownload_add")).status_code == 403
