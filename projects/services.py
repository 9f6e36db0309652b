"""Writes for home-institution projects: the participant's proposal, milestones and final
report, the facilitators' feedback and acceptance, and the showcase opt-in.

Status flow: proposed → in_progress (a facilitator's first feedback on the proposal, or a
report sent back) → report_submitted (the participant uploads the final report) → completed
(a facilitator accepts it). A completed project is frozen except for its showcase opt-in."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from certificates.services import queue_task
from lms.files import private_file_delete
from lms.uploads import pdf_upload_problem
from programs.models import Institution, Participant, ParticipantStatus
from projects.models import FINAL_REPORT_MAX_BYTES, Milestone, Project, ProjectFeedback, ProjectStatus

EMAIL_QUEUE = "email"


class ProjectError(Exception):
    """A project action refused for a reason the person can act on; `field` names the form
    field the reason belongs to, if one does."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def _queue_email(task, *args) -> None:
    # After the commit: no e-mail for a write that rolled back; a broker outage is logged, never
    # raised, so a lost e-mail does not undo the review that queued it.
    transaction.on_commit(lambda: queue_task(task, *args, queue=EMAIL_QUEUE))


def _refuse_if_completed(project: Project) -> None:
    if project.status == ProjectStatus.COMPLETED:
        raise ProjectError("This project is completed: its plan and report can no longer change.")


def final_report_validate(upload: UploadedFile) -> None:
    """A PDF within the size limit, judged by its size and its first bytes, not its name."""
    problem = pdf_upload_problem(
        upload,
        max_bytes=FINAL_REPORT_MAX_BYTES,
        too_large="This file is larger than {limit_mb} MB. Export the report again with smaller images.",
        not_pdf="This file is not a PDF. Save or export the report as PDF and upload that file.",
    )
    if problem:
        raise ValidationError(problem)


def project_propose(*, participant: Participant, title: str, aim: str, institution: Institution, team: str) -> Project:
    if participant.status != ParticipantStatus.ACTIVE:
        raise ProjectError("Only active participants propose a project.")
    try:
        with transaction.atomic():
            return Project.objects.create(
                participant=participant, title=title, aim=aim, institution=institution, team=team
            )
    except IntegrityError as error:
        # The one-project-per-participant rule is the database's: a second tab or a double click.
        if Project.objects.filter(participant=participant).exists():
            raise ProjectError("You have already proposed your project for this cohort: edit that one.") from error
        raise


def project_update(*, project: Project, title: str, aim: str, institution: Institution, team: str) -> Project:
    _refuse_if_completed(project)
    project.title, project.aim, project.institution, project.team = title, aim, institution, team
    project.save(update_fields=["title", "aim", "institution", "team", "updated_at"])
    return project


def milestone_add(*, project: Project, title: str, due_date: date) -> Milestone:
    _refuse_if_completed(project)
    with transaction.atomic():
        # The project row is locked so two additions at once do not take the same place.
        Project.objects.select_for_update().filter(pk=project.pk).first()
        last = project.milestones.aggregate(last=Max("order"))["last"] or 0
        return Milestone.objects.create(project=project, order=last + 1, title=title, due_date=due_date)


def milestone_update(*, milestone: Milestone, title: str, due_date: date) -> Milestone:
    _refuse_if_completed(milestone.project)
    milestone.title, milestone.due_date = title, due_date
    milestone.save(update_fields=["title", "due_date"])
    return milestone


def milestone_mark_done(*, milestone: Milestone, completed_on: date | None) -> Milestone:
    """`completed_on` None marks the milestone not done again."""
    _refuse_if_completed(milestone.project)
    if completed_on is not None and completed_on > timezone.localdate():
        raise ProjectError("A milestone cannot be done on a date still to come.", field="completed_on")
    milestone.completed_on = completed_on
    milestone.save(update_fields=["completed_on"])
    return milestone


def final_report_submit(*, project: Project, upload: UploadedFile) -> Project:
    _refuse_if_completed(project)
    final_report_validate(upload)
    previous = project.final_report.name
    project.final_report.save("report.pdf", upload, save=False)
    stored = project.final_report.name
    try:
        with transaction.atomic():
            project.final_report_submitted_at = timezone.now()
            project.status = ProjectStatus.REPORT_SUBMITTED
            project.save(update_fields=["final_report", "final_report_submitted_at", "status", "updated_at"])
            if previous and previous != stored:
                transaction.on_commit(lambda: private_file_delete(previous))
    except Exception:
        # No row points to the new file: take it away again, then let the error through.
        private_file_delete(stored)
        raise
    return project


def project_feedback_give(*, project: Project, author, body: str) -> ProjectFeedback:
    """Written feedback; the first on a proposal also marks the project under way."""
    from projects.tasks import email_project_feedback

    if not body.strip():
        raise ProjectError("Write your feedback first.", field="body")
    with transaction.atomic():
        feedback = ProjectFeedback.objects.create(project=project, author=author, body=body)
        if project.status == ProjectStatus.PROPOSED:
            project.status = ProjectStatus.IN_PROGRESS
            project.save(update_fields=["status", "updated_at"])
        _queue_email(email_project_feedback, feedback.pk)
    return feedback


def project_accept(*, project: Project, author, body: str = "") -> Project:
    """The facilitator accepts the final report: the project is completed."""
    from projects.tasks import email_project_completed

    if project.status != ProjectStatus.REPORT_SUBMITTED:
        raise ProjectError("Only a submitted final report can be accepted.")
    with transaction.atomic():
        if body:
            ProjectFeedback.objects.create(project=project, author=author, body=body)
        project.status = ProjectStatus.COMPLETED
        project.completed_at = timezone.now()
        project.save(update_fields=["status", "completed_at", "updated_at"])
        _queue_email(email_project_completed, project.pk)
    return project


def project_send_back(*, project: Project, author, body: str) -> ProjectFeedback:
    """The final report needs more work: feedback says what, and the project is under way again."""
    from projects.tasks import email_project_feedback

    if project.status != ProjectStatus.REPORT_SUBMITTED:
        raise ProjectError("Only a submitted final report can be sent back.")
    if not body.strip():
        raise ProjectError("Say what the report needs before sending it back.", field="body")
    with transaction.atomic():
        feedback = ProjectFeedback.objects.create(project=project, author=author, body=body)
        project.status = ProjectStatus.IN_PROGRESS
        project.save(update_fields=["status", "updated_at"])
        _queue_email(email_project_feedback, feedback.pk, True)
    return feedback


def project_showcase_set(*, project: Project, is_showcased: bool, summary: str) -> Project:
    # The database refuses a showcased project that is not completed; this says so first.
    if is_showcased and project.status != ProjectStatus.COMPLETED:
        raise ProjectError("A project joins the showcase once its final report is accepted.")
    if is_showcased and not summary.strip():
        raise ProjectError("Write a short summary for the showcase.", field="showcase_summary")
    project.is_showcased, project.showcase_summary = is_showcased, summary
    project.save(update_fields=["is_showcased", "showcase_summary", "updated_at"])
    return project
