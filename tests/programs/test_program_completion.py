"""Program completion: the participant's checklist, the certificate request (refused with
what is missing, idempotent), the directors' list with its bulk issue, who may see what,
and a certificate of completion that no credit total, transcript, PARS file, API or badge
counts as credit."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from api.models import TokenScope
from certificates import services as certificate_services
from certificates.models import Certificate, CertificateKind
from programs.completion_selectors import program_completion_status
from programs.completion_services import ProgramNotComplete, program_certificate_issue
from programs.models import ParticipantStatus
from tests.api.conftest import make_token
from tests.certificates.conftest import complete_course, mark_ready
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory, UserFactory
from tests.programs.factories import (
    DirectorFactory,
    ParticipantFactory,
    cohort_with_curriculum,
)
from tests.projects.factories import participant_progress
from tests.reports.conftest import staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return cohort_with_curriculum(sessions=5, courses=1)


def participant_in(cohort, **progress):
    user = ProfileFactory(certificate_name="Imani Okafor-Reyes, MD").user
    return participant_progress(ParticipantFactory(cohort=cohort, user=user), **progress)


def checklist_url(cohort):
    return reverse("program_completion:checklist", args=[cohort.pk])


def request_url(cohort):
    return reverse("program_completion:request_certificate", args=[cohort.pk])


def roster_url(cohort):
    return reverse("program_completion:roster", args=[cohort.pk])


def issue_all_url(cohort):
    return reverse("program_completion:issue_all", args=[cohort.pk])


def test_the_status_lists_every_missing_requirement(cohort):
    participant = participant_in(cohort, courses_done=False, sessions_attended=3, project="proposed")

    status = program_completion_status(participant)

    course_title = cohort.curriculum.get(course__isnull=False).course.title
    assert not status.is_complete
    assert status.missing == [
        f"Complete the course “{course_title}”",
        "Attend at least 80% of the live sessions (attended 3 of 5)",
        f"Have the final report of “{participant.project.title}” accepted",
    ]
    assert [step.is_done for step in status.steps] == [False, True, True, True, False, False]


def test_four_sessions_of_five_meet_the_default_eighty_percent(cohort):
    status = program_completion_status(participant_in(cohort, sessions_attended=4))
    assert status.is_attendance_met and status.attendance_percent == 80
    assert status.is_complete, status.missing


def test_the_programs_own_percentage_decides(cohort):
    cohort.program.attendance_required_percent = 100
    cohort.program.save()
    status = program_completion_status(participant_in(cohort, sessions_attended=4))
    assert status.missing == ["Attend at least 100% of the live sessions (attended 4 of 5)"]


def test_a_participant_without_a_project_is_told_to_propose_one(cohort):
    assert program_completion_status(participant_in(cohort, project="none")).missing == ["Propose your project"]


def test_checklist_shows_what_is_done_and_no_request_button_until_complete(client, cohort):
    participant = participant_in(cohort, sessions_attended=2)
    client.force_login(participant.user)

    page = client.get(checklist_url(cohort)).content.decode()

    assert "You attended 2 of 5 live sessions (40%). The program asks for 80%." in page
    assert "Attend at least 80% of the live sessions (attended 2 of 5)" in page
    assert "Request my certificate" not in page


def test_a_complete_participant_requests_the_certificate_and_finds_it_on_their_certificates_page(
    client, cohort, django_capture_on_commit_callbacks
):
    participant = participant_in(cohort)
    client.force_login(participant.user)
    assert "Request my certificate" in client.get(checklist_url(cohort)).content.decode()

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(request_url(cohort), follow=True)

    assert len(queued) == 1, "the render is queued once, after the commit"
    certificate = Certificate.objects.get()
    assert certificate.kind == CertificateKind.PROGRAM_COMPLETION
    assert (certificate.course, certificate.claim, certificate.enrollment, certificate.credits) == (
        None,
        None,
        None,
        None,
    )
    assert certificate.course_title == cohort.program.title
    assert certificate.activity_format == f"Program certificate of completion, {cohort.year} cohort"
    assert certificate.learner_name == "Imani Okafor-Reyes, MD"
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.COMPLETED and participant.completed_at is not None
    assert participant.certificate == certificate
    page = response.content.decode()
    assert cohort.program.title in page and "Program certificate of completion" in page
    assert certificate.display_code in page


def test_an_incomplete_participant_is_refused_with_what_is_missing_and_nothing_is_written(client, cohort):
    participant = participant_in(cohort, sessions_attended=3, project="proposed")
    client.force_login(participant.user)

    response = client.post(request_url(cohort))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Your certificate cannot be issued yet." in page
    assert "Attend at least 80% of the live sessions (attended 3 of 5)" in page
    assert f"Have the final report of “{participant.project.title}” accepted" in page
    assert not Certificate.objects.exists()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ACTIVE and participant.completed_at is None


def test_the_service_refuses_with_the_missing_list(cohort):
    participant = participant_in(cohort, courses_done=False)
    with pytest.raises(ProgramNotComplete) as refused:
        program_certificate_issue(participant=participant)
    assert refused.value.missing == program_completion_status(participant).missing
    assert not Certificate.objects.exists()


def test_asking_twice_gives_the_same_certificate(client, cohort):
    participant = participant_in(cohort)
    first = program_certificate_issue(participant=participant)
    again = program_certificate_issue(participant=participant)
    client.force_login(participant.user)
    client.post(request_url(cohort))

    assert first == again
    assert Certificate.objects.get() == first


def test_the_database_keeps_a_completion_certificate_free_of_credit(cohort):
    participant = participant_in(cohort)
    certificate = program_certificate_issue(participant=participant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(credits=Decimal("1.00"), credit_type="ama_pra_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(kind=CertificateKind.CME_CREDIT)


def test_a_certificate_belongs_to_one_participant_only(cohort):
    certificate = program_certificate_issue(participant=participant_in(cohort))
    other = ParticipantFactory(cohort=cohort)
    other.certificate = certificate
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()


@pytest.fixture
def physician_with_both(cohort):
    """A participant who also claimed 1.5 AMA PRA credits for a course, and whose program
    certificate of completion is ready."""
    participant = participant_in(cohort)
    course = build_course(slug="feedback-that-lands")
    course.accme_activity_id = "004567892"
    course.save()
    enrollment = complete_course(participant.user, course)
    certificate_services.credit_claim_create(
        enrollment=enrollment, user=participant.user, credits=Decimal("1.50"), attested=True
    )
    completion = program_certificate_issue(participant=participant)
    mark_ready(completion, b"%PDF-1.7 completion")
    return participant.user, course, completion


def test_the_transcript_counts_only_credit(client, physician_with_both, private_media):
    user, course, completion = physician_with_both
    client.force_login(user)

    page = client.get(reverse("certificates:transcript")).content.decode()
    assert "<td>1.5 AMA PRA Category 1 Credits™</td>" in page
    assert completion.display_code not in page and completion.course_title not in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("certificates:transcript") + "?format=csv").content.decode("utf-8-sig"))
        )
    )
    assert [row[1] for row in rows[1:]] == [course.title]


def test_the_certificates_page_lists_the_completion_without_credit_or_badge(client, physician_with_both, private_media):
    user, course, completion = physician_with_both
    client.force_login(user)
    page = client.get(reverse("certificates:list")).content.decode()
    assert completion.course_title in page and "Program certificate of completion" in page
    assert reverse("badges:credential_download", args=[completion.code]) not in page
    assert reverse("certificates:download", args=[completion.code]) in page


def test_the_pars_file_reports_only_the_course_completion(client, physician_with_both):
    user, course, completion = physician_with_both
    client.force_login(staff_member("cme-office@example.org", "CME administrators"))
    response = client.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": "tab"})
    assert response.status_code == 200, response.content[:300]
    lines = [line for line in response.content.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and "\t1.50\t" in lines[0], "one learner, for the course's credit"
    assert completion.course_title not in response.content.decode()


def test_the_api_and_badges_leave_the_completion_certificate_out(client, physician_with_both):
    user, course, completion = physician_with_both
    headers = {"Authorization": f"Bearer {make_token(scope=TokenScope.READ)}"}
    listed = client.get("/api/v1/certificates", headers=headers).json()["items"]
    assert [item["course"]["id"] for item in listed] == [course.pk]
    assert client.get(f"/api/v1/certificates/{completion.code}", headers=headers).status_code == 404
    client.force_login(user)
    assert client.get(reverse("badges:credential_download", args=[completion.code])).status_code == 404
    assert client.get(reverse("badges:credential", args=[completion.code])).status_code == 404


def test_the_director_sees_who_is_complete_and_issues_to_everyone_complete(client, cohort):
    done = [participant_in(cohort) for _ in range(2)]
    behind = participant_in(cohort, sessions_attended=1)
    director = DirectorFactory()
    client.force_login(director)

    page = client.get(roster_url(cohort)).content.decode()
    assert "2 participants complete without a certificate yet." in page
    assert "Attend at least 80% of the live sessions (attended 1 of 5)" in page

    response = client.post(issue_all_url(cohort), follow=True)
    assert "Certificates issued: 2. Already issued: 0. Not complete yet: 1." in response.content.decode()
    assert {c.user_id for c in Certificate.objects.all()} == {p.user_id for p in done}
    behind.refresh_from_db()
    assert behind.certificate is None and behind.status == ParticipantStatus.ACTIVE

    client.post(issue_all_url(cohort))
    assert Certificate.objects.count() == 2, "a second run issues nothing new"


@pytest.mark.parametrize("count", [10, 100])
def test_the_directors_list_is_a_fixed_number_of_queries(client, cohort, django_assert_max_num_queries, count):
    cohort.capacity = 120
    cohort.save()
    for index in range(count):
        participant_progress(
            ParticipantFactory(cohort=cohort), sessions_attended=index % 6, project="completed" if index % 2 else "none"
        )
    client.force_login(DirectorFactory())
    with django_assert_max_num_queries(16):
        response = client.get(roster_url(cohort))
    assert response.status_code == 200


def test_outsiders_get_404_on_every_completion_page(client, cohort):
    participant = participant_in(cohort)
    other_cohort = cohort_with_curriculum(sessions=1, courses=0)
    facilitator = UserFactory()
    cohort.facilitators.add(facilitator)
    participant_pages = [checklist_url(cohort), request_url(cohort)]
    director_pages = [roster_url(cohort), issue_all_url(cohort)]

    client.force_login(UserFactory())
    for url in participant_pages + director_pages:
        assert (client.post(url) if url.endswith(("certificate/", "issue/")) else client.get(url)).status_code == 404

    client.force_login(participant.user)
    assert client.get(checklist_url(other_cohort)).status_code == 404
    assert client.post(request_url(other_cohort)).status_code == 404
    for url in director_pages:
        assert client.get(url).status_code in (404, 405)
    assert client.post(issue_all_url(cohort)).status_code == 404

    client.force_login(facilitator)
    assert client.get(roster_url(cohort)).status_code == 404
    assert client.get(checklist_url(cohort)).status_code == 404
    assert not Certificate.objects.exists()


def test_a_withdrawn_participant_has_no_completion_page(client, cohort):
    participant = participant_in(cohort)
    participant.status = ParticipantStatus.WITHDRAWN
    participant.withdrawn_at = participant.joined_at
    participant.save()
    client.force_login(participant.user)
    assert client.get(checklist_url(cohort)).status_code == 404
    assert client.post(request_url(cohort)).status_code == 404
