"""The certificate is signed by a named person: the course's own signatory, or the site's."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from certificates import services
from certificates.models import CertificateLook
from certificates.rendering import render_certificate_pdf
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _printed(course) -> str:
    learner = ProfileFactory().user
    enrollment = complete_course(learner, course)
    certificate = services.credit_claim_create(enrollment=enrollment, user=learner, credits=Decimal("1"), attested=True)
    return PdfReader(io.BytesIO(render_certificate_pdf(certificate))).pages[0].extract_text()


def test_the_pdf_prints_the_courses_signatory_name_above_the_title(settings):
    settings.CERTIFICATE_SIGNATORY_NAME = "Dr. Site Default"
    course = build_course(slug="signed")
    CertificateLook.objects.create(
        course=course, signatory_name="Dr. Nadia Okonkwo-Lindqvist", signatory_title="Associate Dean for CME"
    )

    text = _printed(course)

    assert "Dr. Site Default" not in text
    assert text.index("Dr. Nadia Okonkwo-Lindqvist") < text.index("Associate Dean for CME")


def test_without_a_course_signatory_the_site_wide_one_signs(settings):
    settings.CERTIFICATE_SIGNATORY_NAME = "Dr. Odile Brennan-Aziz"
    settings.CERTIFICATE_SIGNATORY_TITLE = "Director of Continuing Medical Education"
    course = build_course(slug="site-signed")
    CertificateLook.objects.create(course=course, signatory_title="A title without a name is not used")

    text = _printed(course)

    assert text.index("Dr. Odile Brennan-Aziz") < text.index("Director of Continuing Medical Education")
    assert "A title without a name" not in text
