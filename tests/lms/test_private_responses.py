"""Pages and files with personal data are never kept by a browser or proxy cache: after signing
out on a shared computer, Back or the cache must not show the next person someone's
transcript, certificate or the reports. Public pages stay cacheable."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from certificates import services as certificate_services
from library.models import Resource
from tests.api.conftest import make_token
from tests.certificates.conftest import complete_course, mark_ready, transcript_pdf_ready
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory
from tests.reports.conftest import staff_member

pytestmark = pytest.mark.django_db


def is_never_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def learner_with_certificate(private_media):
    """A physician who completed a course and holds its ready certificate and a library download."""
    user = ProfileFactory(certificate_name="Amara Fenwick-Oduya, MD").user
    course = build_course(slug="bias-in-feedback")
    course.accme_activity_id = "004567891"  # reportable to PARS
    course.save()
    enrollment = complete_course(user, course)
    certificate = certificate_services.credit_claim_create(
        enrollment=enrollment, user=user, credits=Decimal("1.75"), attested=True
    )
    mark_ready(certificate, b"%PDF-1.7 issued certificate bytes")
    resource = Resource(slug="feedback-guide", title="Feedback guide", description="A reading guide.")
    resource.file.save("feedback-guide.pdf", ContentFile(b"%PDF-1.7 a guide"), save=False)
    resource.save()
    return user, certificate


LEARNER_PAGES = {
    "profile": lambda certificate: reverse("accounts:profile"),
    "my learning": lambda certificate: reverse("learning"),
    "course page with progress": lambda certificate: reverse("courses:detail", args=["bias-in-feedback"]),
    "module page": lambda certificate: reverse("courses:module", args=["bias-in-feedback", 1]),
    "certificate list": lambda certificate: reverse("certificates:list"),
    "certificate status": lambda certificate: reverse("certificates:status", args=[certificate.code]),
    "certificate PDF": lambda certificate: reverse("certificates:download", args=[certificate.code]),
    "transcript": lambda certificate: reverse("certificates:transcript"),
    "transcript CSV": lambda certificate: reverse("certificates:transcript") + "?format=csv",
    "transcript PDF": lambda certificate: (
        transcript_pdf_ready(certificate.user) and reverse("certificates:transcript_pdf_download")
    ),
    "library download": lambda certificate: reverse("library:download", args=["feedback-guide"]),
}


@pytest.mark.parametrize("url_of", LEARNER_PAGES.values(), ids=LEARNER_PAGES.keys())
def test_learners_personal_pages_and_files_are_never_stored(client, learner_with_certificate, url_of):
    user, certificate = learner_with_certificate
    client.force_login(user)
    response = client.get(url_of(certificate))
    assert response.status_code == 200
    assert is_never_stored(response), response.get("Cache-Control")


REPORT_PAGES = {
    "overview": lambda: reverse("reports:overview"),
    "item analysis": lambda: reverse("reports:items", args=["bias-in-feedback"]),
    "evaluation summary": lambda: reverse("reports:evaluation", args=["bias-in-feedback"]),
    "exports": lambda: reverse("reports:exports"),
    "completions CSV": lambda: reverse("reports:export_csv", args=["completions"]),
    "PARS": lambda: reverse("reports:pars"),
}


@pytest.mark.parametrize("url_of", REPORT_PAGES.values(), ids=REPORT_PAGES.keys())
def test_reports_and_their_exports_are_never_stored(client, learner_with_certificate, url_of):
    client.force_login(staff_member("cme-office@example.org", "CME administrators"))
    response = client.get(url_of())
    assert response.status_code == 200
    assert is_never_stored(response), response.get("Cache-Control")


@pytest.mark.parametrize("file_format", ["xlsx", "tab"])
def test_the_pars_file_is_never_stored(client, learner_with_certificate, file_format):
    client.force_login(staff_member("cme-office@example.org", "CME administrators"))
    response = client.post(
        reverse("reports:pars_download"),
        {"course": "bias-in-feedback", "file_format": file_format, "include_exported": "on"},
    )
    assert response.status_code == 200
    assert is_never_stored(response), response.get("Cache-Control")


@pytest.mark.parametrize("path", ["/api/v1/completions", "/api/v1/certificates"])
def test_api_answers_about_learners_are_never_stored(client, learner_with_certificate, path):
    response = client.get(path, headers={"Authorization": f"Bearer {make_token()}"})
    assert response.status_code == 200
    assert is_never_stored(response), response.get("Cache-Control")


def test_the_public_catalog_stays_cacheable_for_visitors(client, learner_with_certificate):
    response = client.get(reverse("courses:catalog"))
    assert response.status_code == 200
    assert not is_never_stored(response)


def test_a_public_status_list_keeps_its_own_caching_for_a_signed_in_learner(client, learner_with_certificate):
    user, certificate = learner_with_certificate
    client.force_login(user)
    response = client.get(reverse("badges:status_list", args=[0]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
