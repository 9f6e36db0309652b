"""A resident applies to a cohort with a letter of support, and follows the application."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programs.models import SUPPORT_LETTER_MAX_BYTES, Application, ApplicationStatus
from tests.factories import UserFactory
from tests.programs.factories import MINIMAL_PDF, ApplicationFactory, CohortFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def apply_url(cohort) -> str:
    return reverse("programs:apply", args=[cohort.program.slug, cohort.year])


def letter(content: bytes = MINIMAL_PDF, name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def answers(cohort, **overrides) -> dict:
    return {
        "institution": cohort.program.institutions.order_by("pk").first().pk,
        "residency_program": "Family Medicine",
        "training_year": 2,
        "statement": "I want to start a peer-mentoring circle for interns.",
        "support_letter": letter(),
        **overrides,
    }


def stored_letters(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


@pytest.fixture
def resident(client):
    person = UserFactory()
    client.force_login(person)
    return person


def test_the_programs_page_lists_published_programs_with_their_next_cohort(client, private_media):
    cohort = CohortFactory()
    hidden = CohortFactory(program__is_published=False)
    page = client.get(reverse("programs:list")).text
    assert cohort.program.title in page and "Applications open" in page
    assert str(cohort.year) in page
    assert hidden.program.title not in page


def test_the_program_page_renders_its_markdown_safely_and_offers_to_apply(client, private_media):
    cohort = CohortFactory(
        program__eligibility="**PGY-1 to PGY-4** residents <script>alert(1)</script>",
        program__how_to_apply="Ask your *program director* for a letter.",
    )
    page = client.get(cohort.program.get_absolute_url()).text
    assert "<strong>PGY-1 to PGY-4</strong>" in page and "<script>alert(1)" not in page
    assert "<em>program director</em>" in page
    for institution in cohort.program.institutions.all():
        assert institution.name in page
    assert apply_url(cohort) in page


def test_a_resident_applies_with_a_pdf_letter_and_sees_the_application(client, resident, private_media):
    cohort = CohortFactory()
    response = client.post(apply_url(cohort), answers(cohort))
    assert response.status_code == 302 and response["Location"] == reverse("programs:my_applications")
    application = Application.objects.get(cohort=cohort, applicant=resident)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.residency_program == "Family Medicine"
    [stored] = stored_letters(private_media)
    assert stored.read_bytes() == MINIMAL_PDF
    page = client.get(reverse("programs:my_applications")).text
    assert str(cohort) in page and "Submitted" in page
    # The program page now shows where the application stands, not the Apply button.
    page = client.get(cohort.program.get_absolute_url()).text
    assert "Submitted" in page and apply_url(cohort) not in page


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(client, resident, private_media):
    cohort = CohortFactory()
    disguised = letter(b"MZ\x90\x00 an executable named like a PDF", name="letter.pdf")
    response = client.post(apply_url(cohort), answers(cohort, support_letter=disguised))
    assert response.status_code == 400
    assert "must be a PDF file" in response.text
    assert not Application.objects.exists()
    assert stored_letters(private_media) == []


def test_a_letter_over_the_size_limit_is_refused_and_nothing_is_stored(client, resident, private_media):
    cohort = CohortFactory()
    too_big = letter(MINIMAL_PDF + b"0" * (SUPPORT_LETTER_MAX_BYTES - len(MINIMAL_PDF) + 1))
    response = client.post(apply_url(cohort), answers(cohort, support_letter=too_big))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.text
    assert not Application.objects.exists()
    assert stored_letters(private_media) == []


def test_only_the_programs_own_institutions_can_be_chosen(client, resident, private_media):
    cohort = CohortFactory()
    outside = InstitutionFactory(name="Faraway College of Medicine")
    assert outside.name not in client.get(apply_url(cohort)).text
    response = client.post(apply_url(cohort), answers(cohort, institution=outside.pk))
    assert response.status_code == 400 and not Application.objects.exists()


@pytest.mark.parametrize(
    "window",
    [
        {"applications_open_at": timedelta(days=3), "applications_close_at": timedelta(days=30)},
        {"applications_open_at": timedelta(days=-30), "applications_close_at": timedelta(days=-1)},
    ],
    ids=["not-yet-open", "closed"],
)
def test_applications_outside_the_window_are_refused(client, resident, private_media, window):
    now = timezone.now()
    cohort = CohortFactory(**{field: now + offset for field, offset in window.items()})
    assert client.get(apply_url(cohort)).status_code == 403
    response = client.post(apply_url(cohort), answers(cohort))
    assert response.status_code == 403 and "not open" in response.text
    assert not Application.objects.exists() and stored_letters(private_media) == []
    assert apply_url(cohort) not in client.get(cohort.program.get_absolute_url()).text


def test_applying_twice_is_refused_kindly(client, resident, private_media):
    cohort = CohortFactory()
    client.post(apply_url(cohort), answers(cohort))
    response = client.post(apply_url(cohort), answers(cohort), follow=True)
    assert "You have already applied" in response.text
    assert Application.objects.filter(applicant=resident).count() == 1
    assert len(stored_letters(private_media)) == 1


def test_an_applicant_withdraws_a_submitted_application(client, private_media):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    url = reverse("programs:application_respond", args=[application.pk])
    response = client.post(url, {"response": "withdraw"}, follow=True)
    assert "Your application is withdrawn." in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_an_accepted_application_cannot_be_withdrawn_from_my_applications(client, private_media):
    application = ApplicationFactory(status=ApplicationStatus.ACCEPTED)
    client.force_login(application.applicant)
    url = reverse("programs:application_respond", args=[application.pk])
    response = client.post(url, {"response": "withdraw"}, follow=True)
    assert "cannot be withdrawn" in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
