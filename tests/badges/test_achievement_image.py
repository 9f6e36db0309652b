"""Each course's achievement has a picture, drawn from the course's certificate look, that
every credential names as an OB 3.0 Image (`{"id", "type": "Image", "caption"}`)."""

from xml.etree import ElementTree

import pytest
from django.conf import settings

from certificates.models import CertificateLook, CertificateStatus
from tests.api.records import bare_course, certificate, completion
from tests.badges.verifier import verify_open_badge

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    settings.OPEN_BADGES_SIGNING_KEY_FILES = []
    settings.OPEN_BADGES_GENERATED_KEY_DIR = tmp_path / "keys"


def parse_svg(content: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(content)  # noqa: S314 — Docere's own response, in a test


def achievement_of(client, made) -> dict:
    client.force_login(made.user)
    token = client.get(f"/credentials/{made.code}/download/").content.decode()
    return verify_open_badge(client, token).credential["credentialSubject"]["achievement"]


def test_the_achievement_names_its_image_as_the_spec_describes(client):
    course = bare_course(title="Feedback that lands")
    image = achievement_of(client, certificate(completion(course)))["image"]
    assert image == {
        "id": f"{settings.SITE_URL}/credentials/achievements/{course.pk}/image.svg",
        "type": "Image",
        "caption": "Badge for “Feedback that lands”",
    }


def test_the_image_is_an_svg_in_the_courses_colour_with_its_title(client):
    course = bare_course(title="Bedside teaching in <ten> minutes & less")
    CertificateLook.objects.create(course=course, accent_colour="#7A1F5C")
    image_url = achievement_of(client, certificate(completion(course)))["image"]["id"]

    client.logout()  # wallets fetch it without an account
    response = client.get(image_url.removeprefix(settings.SITE_URL))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "public" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    svg = parse_svg(response.content)  # well-formed: the title is escaped
    assert svg.tag == f"{SVG}svg"
    assert svg.find(f"{SVG}title").text == "Badge for “Bedside teaching in <ten> minutes & less”"
    assert svg.find(f"{SVG}circle").get("fill") == "#7A1F5C"
    words = " ".join(text.text for text in svg.iter(f"{SVG}text"))
    assert "Bedside teaching in <ten> minutes & less" in words


def test_a_course_without_a_look_uses_the_default_colour_and_light_colours_get_dark_text(client):
    plain = bare_course()
    plain_svg = parse_svg(client.get(achievement_image_path(client, plain)).content)
    assert plain_svg.find(f"{SVG}circle").get("fill") == "#0B5F73"
    assert plain_svg.find(f"{SVG}g").get("fill") == "#ffffff"

    pale = bare_course()
    CertificateLook.objects.create(course=pale, accent_colour="#F4E9B0")
    pale_svg = parse_svg(client.get(achievement_image_path(client, pale)).content)
    assert pale_svg.find(f"{SVG}g").get("fill") == "#1d2433"


def achievement_image_path(client, course) -> str:
    return achievement_of(client, certificate(completion(course)))["image"]["id"].removeprefix(settings.SITE_URL)


def test_courses_without_issued_credentials_have_no_image(client):
    never_issued = bare_course()
    certificate(completion(never_issued), status=CertificateStatus.PENDING)
    assert client.get(f"/credentials/achievements/{never_issued.pk}/image.svg").status_code == 404
    assert client.get("/credentials/achievements/999999/image.svg").status_code == 404


def test_the_public_credential_page_shows_the_badge_image(client):
    course = bare_course()
    made = certificate(completion(course))
    page = client.get(f"/credentials/{made.code}/", HTTP_ACCEPT="text/html").content.decode()
    assert f'<img src="/credentials/achievements/{course.pk}/image.svg" alt=""' in page
