"""The resource library: listed to everyone, downloaded only by verified accounts, every
download logged, and no way to the files except through that check."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from library.models import Resource, ResourceDownload
from library.services import demo_resource_ensure
from tests.factories import UserFactory
from tests.library.conftest import PDF_BYTES
from tests.reports.conftest import staff_member

pytestmark = pytest.mark.django_db

PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_everyone_sees_the_list_and_visitors_are_asked_to_sign_in(client, resource):
    html = client.get(reverse("library:list")).content.decode()

    assert "MedEd&#x27;s horizon compendium" in html
    assert "Sign in to download" in html
    assert f'href="/accounts/login/?next={reverse("library:download", args=[resource.slug])}"' in html


def test_anonymous_download_is_redirected_to_sign_in(client, resource):
    url = reverse("library:download", args=[resource.slug])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    assert not ResourceDownload.objects.exists()


def test_verified_member_downloads_the_file_and_the_download_is_logged(client, resource):
    member = UserFactory()
    client.force_login(member)

    response = client.get(reverse("library:download", args=[resource.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="mededs-horizon.pdf"'
    assert b"".join(response.streaming_content) == PDF_BYTES
    download = ResourceDownload.objects.get()
    assert (download.resource, download.user) == (resource, member)


def test_an_account_with_an_unverified_email_is_asked_to_verify_it(client, resource):
    client.force_login(UserFactory(verified_email=False))

    response = client.get(reverse("library:download", args=[resource.slug]))

    assert response.status_code == 403
    assert "Verify your email address to download" in response.content.decode()
    assert not ResourceDownload.objects.exists()


def test_files_have_no_public_media_path(client, resource):
    client.force_login(UserFactory())

    for path in (f"/media/{resource.file.name}", f"/resources/{resource.file.name}", "/media/resources/"):
        assert client.get(path).status_code == 404, path


def test_an_unlisted_resource_cannot_be_downloaded(client, resource):
    Resource.objects.filter(pk=resource.pk).update(is_listed=False)
    client.force_login(UserFactory())

    assert client.get(reverse("library:download", args=[resource.slug])).status_code == 404
    assert "MedEd" not in client.get(reverse("library:list")).content.decode()


def test_the_cover_is_shown_to_everyone(client, resource):
    resource.cover.save("cover.png", ContentFile(PNG_1X1))

    html = client.get(reverse("library:list")).content.decode()
    response = client.get(reverse("library:cover", args=[resource.slug]))

    assert f'src="{reverse("library:cover", args=[resource.slug])}"' in html
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_1X1


def test_downloads_show_in_the_reports(client, resource):
    member = UserFactory(email="reader@example.org")
    client.force_login(member)
    client.get(reverse("library:download", args=[resource.slug]))
    client.get(reverse("library:download", args=[resource.slug]))
    client.force_login(staff_member("office@example.org", "CME administrators"))

    response = client.get(reverse("reports:overview"))

    assert [(row.title, row.downloads, row.learners) for row in response.context["downloads"]] == [
        ("MedEd's horizon compendium", 2, 1)
    ]
    assert "reader@example.org" in response.content.decode()


def test_demo_resource_is_an_original_two_page_pdf_created_once():
    first = demo_resource_ensure()
    again = demo_resource_ensure()

    assert first.pk == again.pk
    assert Resource.objects.count() == 1
    with first.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert len(reader.pages) == 2
    assert "Reading guide: equity in clinical teaching" in reader.pages[0].extract_text()
