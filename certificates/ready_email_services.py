"""The learner's "your certificate is ready" email: which one is still owed, recording it as
sent, asking again for those the worker or the broker lost, and sending it again on request.
The row records when it was queued and sent, so the email task sends only what is owed."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certificates.models import Certificate, CertificateEventKind, CertificateStatus
from certificates.services import CertificateStateError, certificate_event_record, queue_task


def certificate_email_due(*, certificate_id: int) -> Certificate | None:
    """The certificate whose "ready" email is still owed, or None (not ready, already sent, gone).

    A plain read: a row lock would be released as soon as it was taken. Two sends of one email
    (a message delivered twice) are told apart by the row's sent time, not by a lock."""
    return (
        Certificate.objects.select_related("user")
        .filter(pk=certificate_id, status=CertificateStatus.READY, ready_email_sent_at__isnull=True)
        .first()
    )


def certificate_email_sent(*, certificate: Certificate) -> None:
    with transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(ready_email_sent_at=timezone.now())
        certificate_event_record(certificate, CertificateEventKind.EMAILED, detail=certificate.user.email)


def certificate_emails_sweep(*, now=None) -> int:
    """Re-queue "ready" emails still unsent a while after the certificate became ready (the
    worker died mid-send, or the broker lost the message). Each is asked for again only after
    the same pause, and the email task sends only while the row says it is unsent."""
    now = now or timezone.now()
    pause = timedelta(seconds=settings.CERTIFICATE_EMAIL_STUCK_AFTER_SECONDS)
    owed = Certificate.objects.filter(
        Q(ready_email_queued_at__isnull=True) | Q(ready_email_queued_at__lt=now - pause),
        status=CertificateStatus.READY,
        ready_email_sent_at__isnull=True,
        status_changed_at__lt=now - pause,
        status_changed_at__gte=now - timedelta(seconds=settings.CERTIFICATE_EMAIL_SWEEP_WINDOW_SECONDS),
    )
    from certificates.tasks import email_certificate_ready

    count = 0
    for certificate_id in list(owed.values_list("pk", flat=True)):
        # The conditional update claims the row: two sweeps running at once queue it once.
        if owed.filter(pk=certificate_id).update(ready_email_queued_at=now):
            queue_task(email_certificate_ready, certificate_id)
            count += 1
    return count


def certificate_email_resend(*, certificate: Certificate) -> None:
    """Send the "your certificate is ready" email again, e.g. after the learner lost it."""
    if certificate.status != CertificateStatus.READY:
        raise CertificateStateError(
            f"{certificate.display_code} is {certificate.get_status_display().lower()}; "
            "only a ready certificate is emailed."
        )
    from certificates.tasks import email_certificate_ready

    with transaction.atomic():
        # An explicit request owes the learner one more email.
        Certificate.objects.filter(pk=certificate.pk).update(ready_email_sent_at=None, ready_email_queued_at=None)
        transaction.on_commit(lambda: queue_task(email_certificate_ready, certificate.pk))
