"""The mentor hears of a new pairing by e-mail, sent from the `email` queue."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from lms.task_options import EMAIL_TASK_OPTIONS
from mentoring.models import MentorPairing


@shared_task(name="mentoring.email_mentor_paired", **EMAIL_TASK_OPTIONS)
def email_mentor_paired(pairing_id: int) -> None:
    pairing = (
        MentorPairing.objects.select_related("mentor", "participant__user", "participant__cohort__program")
        .filter(pk=pairing_id, ended_at__isnull=True)
        .first()
    )
    if pairing is None:
        return  # ended (or removed) before the message was handled: nothing to announce
    context = {
        "pairing": pairing,
        "pairing_url": settings.SITE_URL + reverse("mentoring:pairing", args=[pairing.pk]),
    }
    send_mail(
        subject=f"[Docere] You are mentoring {pairing.participant.display_name}",
        message=render_to_string("mentoring/email/paired.txt", context),
        from_email=None,
        recipient_list=[pairing.mentor.email],
    )
