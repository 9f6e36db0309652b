"""E-mails to a participant about their project. Each task loads its row and checks it still
says what the e-mail says, so a late or repeated message tells nothing untrue."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from lms.task_options import EMAIL_TASK_OPTIONS
from projects.models import Project, ProjectFeedback, ProjectStatus


def _send(*, project: Project, subject: str, template: str, context: dict) -> None:
    context = {**context, "project": project, "site_url": settings.SITE_URL}
    send_mail(
        subject=subject,
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[project.participant.user.email],
    )


@shared_task(name="projects.email_project_feedback", **EMAIL_TASK_OPTIONS)
def email_project_feedback(feedback_id: int, is_sent_back: bool = False) -> None:
    feedback = (
        ProjectFeedback.objects.select_related("project__participant__user", "author").filter(pk=feedback_id).first()
    )
    if feedback is None:
        return
    _send(
        project=feedback.project,
        subject=f"[Docere] Feedback on your project “{feedback.project.title}”",
        template="projects/email/feedback.txt",
        context={"feedback": feedback, "is_sent_back": is_sent_back},
    )


@shared_task(name="projects.email_project_completed", **EMAIL_TASK_OPTIONS)
def email_project_completed(project_id: int) -> None:
    project = Project.objects.select_related("participant__user").filter(pk=project_id).first()
    if project is None or project.status != ProjectStatus.COMPLETED:
        return
    _send(
        project=project,
        subject=f"[Docere] Your project “{project.title}” is complete",
        template="projects/email/completed.txt",
        context={},
    )
