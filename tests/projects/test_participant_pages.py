"""A participant proposes their project, plans its milestones and submits the final report."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lms.files import private_file_exists, private_file_read
from programs.models import ParticipantStatus
from projects import services
from projects.models import FINAL_REPORT_MAX_BYTES, Project, ProjectStatus
from tests.programs.factories import MINIMAL_PDF, InstitutionFactory, ParticipantFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _new_url(cohort) -> str:
    return reverse("projects:new") + f"?cohort={cohort.pk}"


PROPOSAL = {
    "title": "Peer mentoring circle",
    "aim": "Pair every first-generation intern with a senior resident.",
    "team": "Dr Lena Ortiz, program director\nSam Reyes, PGY-3",
}


def test_participant_proposes_a_project_at_their_own_institution_by_default(client, participant):
    client.force_login(participant.user)
    page = client.get(_new_url(participant.cohort)).content.decode()
    assert f'<option value="{participant.institution.pk}" selected>' in page

    response = client.post(_new_url(participant.cohort), {**PROPOSAL, "institution": participant.institution.pk})

    project = Project.objects.get(participant=participant)
    assert response["Location"] == project.get_absolute_url()
    assert project.status == ProjectStatus.PROPOSED
    assert project.institution == participant.institution
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Peer mentoring circle" in page
    assert "<li>Sam Reyes, PGY-3</li>" in page


def test_a_second_proposal_gets_a_friendly_refusal_and_changes_nothing(client, project):
    client.force_login(project.participant.user)
    response = client.post(
        _new_url(project.participant.cohort), {**PROPOSAL, "institution": project.institution.pk, "title": "Another"}
    )
    assert response.status_code == 409
    assert "You have already proposed your project for this cohort" in response.content.decode()
    assert list(Project.objects.values_list("title", flat=True)) == ["Peer mentoring circle"]


def test_the_service_turns_the_database_refusal_into_a_message(project):
    with pytest.raises(services.ProjectError, match="already proposed"):
        services.project_propose(
            participant=project.participant, title="Again", aim="Again", institution=project.institution, team=""
        )


def test_a_withdrawn_participant_cannot_propose(client, cohort):
    withdrawn = ParticipantFactory(cohort=cohort, status=ParticipantStatus.WITHDRAWN, withdrawn_at=timezone.now())
    client.force_login(withdrawn.user)
    assert client.get(_new_url(cohort)).status_code == 404


def test_an_institution_outside_the_program_is_refused(client, participant):
    client.force_login(participant.user)
    elsewhere = InstitutionFactory(name="Far Away College")
    response = client.post(_new_url(participant.cohort), {**PROPOSAL, "institution": elsewhere.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Project.objects.exists()


def test_participant_edits_their_project_until_it_is_completed(client, participant):
    project = ProjectFactory(participant=participant)
    client.force_login(participant.user)
    client.post(
        reverse("projects:edit", args=[project.pk]),
        {**PROPOSAL, "title": "Mentoring circle, second version", "institution": project.institution.pk},
    )
    project.refresh_from_db()
    assert project.title == "Mentoring circle, second version"

    Project.objects.filter(pk=project.pk).update(
        status=ProjectStatus.COMPLETED,
        completed_at=timezone.now(),
        final_report="projects/final-reports/x.pdf",
        final_report_submitted_at=timezone.now(),
    )
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 404
    assert "Edit the project" not in client.get(project.get_absolute_url()).content.decode()


def test_milestones_are_added_in_order_edited_and_marked_done(client, project):
    client.force_login(project.participant.user)
    due = timezone.localdate() + timedelta(days=30)
    for title in ["Survey the interns", "Pair the first six"]:
        client.post(reverse("projects:milestone_add", args=[project.pk]), {"title": title, "due_date": due})
    first, second = project.milestones.all()
    assert (first.order, second.order) == (1, 2)

    client.post(
        reverse("projects:milestone_edit", args=[project.pk, second.pk]),
        {"title": "Pair the first eight", "due_date": due},
    )
    today = timezone.localdate()
    client.post(reverse("projects:milestone_done", args=[project.pk, first.pk]), {"completed_on": today})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.completed_on == today
    assert second.title == "Pair the first eight"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "on time" in page


def test_a_milestone_cannot_be_done_in_the_future(client, project):
    milestone = MilestoneFactory(project=project)
    client.force_login(project.participant.user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("projects:milestone_done", args=[project.pk, milestone.pk]), {"completed_on": tomorrow}, follow=True
    )
    assert "cannot be done on a date still to come" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_a_milestone_without_a_date_is_refused(client, project):
    client.force_login(project.participant.user)
    response = client.post(reverse("projects:milestone_add", args=[project.pk]), {"title": "Survey", "due_date": ""})
    assert response.status_code == 400
    assert not project.milestones.exists()


def test_overdue_milestones_are_flagged(client, project):
    MilestoneFactory(project=project, title="Book the room", due_in=timedelta(days=-2))
    MilestoneFactory(project=project, title="Send the invitations", due_in=timedelta(days=5))
    client.force_login(project.participant.user)
    page = client.get(project.get_absolute_url()).content.decode()
    assert page.count("overdue</span>") == 1
    assert page.index("overdue</span>") < page.index("Send the invitations")


def _upload(client, project, content: bytes, name: str = "report.pdf"):
    return client.post(
        reverse("projects:report_upload", args=[project.pk]),
        {"report": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_participant_submits_a_pdf_report_and_downloads_it(client, project):
    client.force_login(project.participant.user)
    response = _upload(client, project, MINIMAL_PDF)
    assert response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert project.status == ProjectStatus.REPORT_SUBMITTED
    assert project.final_report_submitted_at is not None
    assert private_file_read(project.final_report.name) == MINIMAL_PDF

    download = client.get(reverse("projects:report_download", args=[project.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == MINIMAL_PDF


def test_a_new_report_replaces_the_old_file(client, submitted_project, django_capture_on_commit_callbacks):
    old_name = submitted_project.final_report.name
    client.force_login(submitted_project.participant.user)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, submitted_project, MINIMAL_PDF + b"% second version\n")
    submitted_project.refresh_from_db()
    assert submitted_project.final_report.name != old_name
    assert not private_file_exists(old_name)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04 a word document", "report.pdf", "This file is not a PDF"),
        (b"<html>%PDF-</html>", "report.pdf", "This file is not a PDF"),
        (b"", "report.pdf", "The submitted file is empty"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_changes_nothing(
    client, project, private_media, content, name, message
):
    client.force_login(project.participant.user)
    response = _upload(client, project, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED
    assert not project.final_report
    assert not any(path.is_file() for path in private_media.rglob("*"))
    assert not mail.outbox


def test_a_report_over_the_size_limit_is_refused_and_changes_nothing(client, submitted_project):
    old_name = submitted_project.final_report.name
    client.force_login(submitted_project.participant.user)
    response = _upload(client, submitted_project, MINIMAL_PDF + b"%" * FINAL_REPORT_MAX_BYTES)
    assert response.status_code == 400
    assert "This file is larger than 15 MB" in response.content.decode()
    submitted_project.refresh_from_db()
    assert submitted_project.final_report.name == old_name
    assert private_file_read(old_name) == MINIMAL_PDF


def test_a_completed_projects_report_is_not_replaced(client, participant):
    project = ProjectFactory(participant=participant, completed=True)
    client.force_login(participant.user)
    assert client.get(reverse("projects:report_upload", args=[project.pk])).status_code == 404
    assert _upload(client, project, MINIMAL_PDF).status_code == 404
