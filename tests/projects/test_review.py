"""Facilitators give feedback, accept the final report or send it back; the participant hears
of each by e-mail, sent by a worker on the e-mail queue after the commit. A real worker on
that queue sends the acceptance and the sent-back report; the other tests run the e-mail task
for its row, as the worker would."""

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import ProjectFeedback, ProjectStatus
from projects.tasks import email_project_completed, email_project_feedback
from tests.certificates.test_ready_email import emails_to, wait_until

pytestmark = pytest.mark.django_db


def _review(client, project, action, body=""):
    return client.post(reverse("projects:review", args=[project.pk]), {"action": action, "body": body})


def test_feedback_on_a_proposal_reaches_the_participant_and_starts_the_project(
    client, facilitator, project, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _review(client, project, "feedback", "A clear aim. Who will you ask **first**?")
    assert response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS
    assert len(callbacks) == 1 and not mail.outbox, "the e-mail is queued for after the commit"

    # What the e-mail worker does with the message for this feedback.
    email_project_feedback.apply(args=[ProjectFeedback.objects.get(project=project).pk], throw=True)
    (message,) = mail.outbox
    assert message.to == [project.participant.user.email]
    assert "Who will you ask **first**?" in message.body
    assert "asks for changes" not in message.body
    assert project.get_absolute_url() in message.body

    client.force_login(project.participant.user)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Who will you ask <strong>first</strong>?" in page
    assert "Farah Facilitator" in page


def test_empty_feedback_is_refused_and_sends_nothing(client, facilitator, project, django_capture_on_commit_callbacks):
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _review(client, project, "feedback", "   ")
    assert response.status_code == 400
    assert "Write your feedback first." in response.content.decode()
    assert not callbacks
    assert not ProjectFeedback.objects.exists()
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_facilitator_accepts_the_final_report_and_the_worker_tells_the_participant(
    client, facilitator, submitted_project, email_worker
):
    client.force_login(facilitator)
    cohort_page = client.get(reverse("projects:cohort", args=[submitted_project.participant.cohort_id]))
    assert "1 final report to review" in cohort_page.content.decode()

    _review(client, submitted_project, "accept", "Well argued, and the numbers are convincing.")
    submitted_project.refresh_from_db()
    assert submitted_project.status == ProjectStatus.COMPLETED
    assert submitted_project.completed_at is not None
    assert ProjectFeedback.objects.get().body == "Well argued, and the numbers are convincing."

    participant = submitted_project.participant.user
    wait_until(lambda: emails_to(participant), timeout=60, what="the completion e-mail")
    [message] = emails_to(participant)
    assert message.subject == f"[Docere] Your project “{submitted_project.title}” is complete"
    assert "has been accepted: the project is complete" in message.body

    client.force_login(participant)
    page = client.get(submitted_project.get_absolute_url()).content.decode()
    assert "Public showcase" in page
    assert "Replace the final report" not in page


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_facilitator_sends_the_report_back_and_the_worker_says_changes_are_asked_for(
    client, facilitator, submitted_project, email_worker
):
    client.force_login(facilitator)
    _review(client, submitted_project, "send_back", "Add the survey results to section 3.")
    submitted_project.refresh_from_db()
    assert submitted_project.status == ProjectStatus.IN_PROGRESS
    assert submitted_project.completed_at is None

    participant = submitted_project.participant.user
    wait_until(lambda: emails_to(participant), timeout=60, what="the sent-back e-mail")
    [message] = emails_to(participant)
    assert "asks for changes before accepting the final report" in message.body
    assert "Add the survey results to section 3." in message.body


def test_a_report_is_not_sent_back_without_saying_why(client, facilitator, submitted_project):
    client.force_login(facilitator)
    response = _review(client, submitted_project, "send_back", "")
    assert response.status_code == 400
    submitted_project.refresh_from_db()
    assert submitted_project.status == ProjectStatus.REPORT_SUBMITTED


def test_a_project_without_a_submitted_report_cannot_be_accepted(client, facilitator, project):
    client.force_login(facilitator)
    response = _review(client, project, "accept", "")
    assert response.status_code == 400
    assert "Only a submitted final report can be accepted." in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED
    assert project.completed_at is None


def test_the_completion_email_is_not_sent_for_a_project_no_longer_completed(submitted_project):
    email_project_completed.apply(args=[submitted_project.pk], throw=True)
    assert not mail.outbox
