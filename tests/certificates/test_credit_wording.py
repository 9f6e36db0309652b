"""Credit is written one way wherever a learner or a checker meets it: the certificate list,
the verify page, the email, the PDF, the transcript (page, PDF, CSV) and the claim page.
Singular only for exactly 1; a certificate of participation counts hours."""

import csv
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from certificates import services
from certificates.rendering import render_certificate_pdf
from certificates.tasks import email_certificate_ready
from tests.certificates.conftest import complete_course, mark_ready, transcript_pdf_ready
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

CASES = [
    ("physician", "1", "1 AMA PRA Category 1 Credit™"),
    ("physician", "1.5", "1.5 AMA PRA Category 1 Credits™"),
    ("other_hp", "0.5", "0.5 hours of participation"),
    ("other_hp", "1", "1 hour of participation"),
]


def _words(text: str) -> str:
    return " ".join(text.split())


def _ready_certificate(profession: str, credits: str):
    learner = ProfileFactory(profession=profession, certificate_name="Noor Haddad-Lindgren").user
    enrollment = complete_course(learner, build_course(slug="wording"))
    certificate = services.credit_claim_create(
        enrollment=enrollment, user=learner, credits=Decimal(credits), attested=True
    )
    pdf = render_certificate_pdf(certificate)
    mark_ready(certificate, pdf)
    certificate.refresh_from_db()
    return learner, certificate, pdf


@pytest.mark.parametrize(("profession", "credits", "wording"), CASES)
def test_every_surface_words_the_credit_the_same_way(client, private_media, profession, credits, wording):
    learner, certificate, pdf = _ready_certificate(profession, credits)
    client.force_login(learner)

    listed = client.get(reverse("certificates:list")).content.decode()
    verified = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    credential = client.get(
        reverse("badges:credential", args=[certificate.code]), HTTP_ACCEPT="text/html"
    ).content.decode()
    email_certificate_ready(certificate.pk)
    printed = _words(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    transcript = client.get(reverse("certificates:transcript")).content.decode()
    transcript_pdf_ready(learner)
    transcript_pdf = _words(
        PdfReader(io.BytesIO(b"".join(client.get(reverse("certificates:transcript_pdf_download")).streaming_content)))
        .pages[0]
        .extract_text()
    )
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("certificates:transcript") + "?format=csv").content.decode()))
    )

    assert f'<td data-label="Credit">{wording}</td>' in listed
    assert f"<dd>{wording}</dd>" in verified
    assert f"<dd>{wording}</dd>" in credential
    assert f"is ready: {wording}." in mail.outbox[-1].body
    assert wording in printed
    assert transcript.count(f'<td data-label="Credit">{wording}</td>') == 1, "the activity"
    assert transcript.count(f"<td>{wording}</td>") == 2, "its year's total and the type's total"
    assert wording in transcript_pdf
    assert rows[0][-1] == "Credit" and rows[1][-1] == wording


def test_the_participation_certificate_never_shows_a_bare_number(client, private_media):
    _, certificate, pdf = _ready_certificate("other_hp", "0.5")

    printed = _words(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())

    assert "0.5 hours of participation in an activity designated for AMA PRA Category 1 Credit™" in printed
    assert (
        "0.5 Certificate of participation"
        not in client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    )


def test_the_claim_page_words_the_designation_like_the_certificate_and_asks_for_hours(client):
    learner = ProfileFactory(profession="other_hp").user
    course = build_course(slug="claim-wording")
    course.credits_max = Decimal("1.00")
    course.save()
    complete_course(learner, course)
    client.force_login(learner)

    page = _words(client.get(reverse("certificates:claim", args=[course.slug])).content.decode())

    assert "designated for up to 1 AMA PRA Category 1 Credit™." in page
    assert '<label for="id_credits">Hours of participation to claim' in page


def test_a_physician_is_asked_for_credits(client, physician, completed_enrollment):
    client.force_login(physician)

    page = client.get(reverse("certificates:claim", args=[completed_enrollment.course.slug])).content.decode()

    assert '<label for="id_credits">Credits to claim' in page
