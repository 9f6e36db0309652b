"""Worker tasks of the programs: decision e-mails (queue "email") and the sweeper that closes
expired offers (queue "maintenance"). Each loads its row and records what it did on it."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lms.task_options import EMAIL_TASK_OPTIONS
from programs import services, waitlist_services
from programs.models import Application, ApplicationStatus

# The statuses the applicant is told about, and the subject of each e-mail.
DECISION_SUBJECTS = {
    ApplicationStatus.ACCEPTED: "You are accepted into {cohort}",
    ApplicationStatus.WAITLISTED: "You are on the waitlist for {cohort}",
    ApplicationStatus.DECLINED: "Your application to {cohort}",
    ApplicationStatus.OFFERED: "A place in {cohort} has opened up for you",
}


@shared_task(name="programs.email_application_decision", **EMAIL_TASK_OPTIONS)
def email_application_decision(application_id: int) -> bool:
    """Tell the applicant the current decision on their application, once. True when sent."""
    with transaction.atomic():
        # The row lock keeps a duplicated message from sending the same e-mail twice.
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("cohort__program", "applicant")
            .filter(pk=application_id, decision_email_sent_at__isnull=True)
            .first()
        )
        if application is None or application.status not in DECISION_SUBJECTS:
            return False
        context = {
            "application": application,
            "cohort": application.cohort,
            "program": application.cohort.program,
            "applicant_name": application.applicant.get_full_name() or application.applicant.email,
            "site_url": settings.SITE_URL,
        }
        template = f"programs/email/{application.status}"
        message = EmailMultiAlternatives(
            subject="[Docere] " + DECISION_SUBJECTS[application.status].format(cohort=application.cohort),
            body=render_to_string(f"{template}.txt", context),
            to=[application.applicant.email],
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        message.send()
        application.decision_email_sent_at = timezone.now()
        application.save(update_fields=["decision_email_sent_at"])
    return True


@shared_task(name="programs.sweep_expired_offers")
def sweep_expired_offers() -> int:
    """Beat runs this every few minutes: offers past their time pass the seat on."""
    return waitlist_services.offers_expire()


@shared_task(name="programs.sweep_unsent_decision_emails")
def sweep_unsent_decision_emails() -> int:
    return services.decision_emails_sweep()
