"""The learner's "your certificate is ready" email.

A render that becomes ready owes its learner one email; the row says so (ready, not sent).
The emails go out in sends: one task takes every owed email at once and sends them through
one connection to the mail server, so a class that claims credit together costs one task
and one connection instead of one of each per learner. A render only asks for a send when
none is waiting already. The row records when its email was taken for a send and when it
went out, so nothing is sent twice and a sweeper asks again for what a lost send left."""

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent, CertificateEventKind, CertificateStatus
from certificates.services import CertificateStateError, queue_task

logger = logging.getLogger(__name__)

READY_EMAILS_PER_SEND = 100  # a larger backlog is sent by a chain of sends
LEARNERS_EMAIL_QUEUE = "email"
# How long a render trusts that the send it asked for is still waiting; after that a new
# ready certificate asks again, so a lost message costs at most this long.
SEND_ASKED_FOR_SECONDS = 60


def _send_asked_for_key(queue: str) -> str:
    return f"certificates:ready-emails-send-queued:{queue}"


def ready_emails_send_request(*, queue: str | None = None) -> None:
    """Ask for a send of the owed emails on `queue` (the learners' email queue by default),
    unless one is already waiting there: it will take this certificate's email too."""
    queue = queue or LEARNERS_EMAIL_QUEUE
    try:
        first_to_ask = cache.add(_send_asked_for_key(queue), True, timeout=SEND_ASKED_FOR_SECONDS)
    except Exception:  # noqa: BLE001 — without the cache, ask every time: a spare send finds nothing
        logger.warning("Cache unavailable; queueing a ready-email send without checking", exc_info=True)
        first_to_ask = True
    if first_to_ask:
        from certificates.tasks import send_ready_emails

        queue_task(send_ready_emails, queue, queue=queue)


def _owed(now):
    """Ready, not sent, not taken by a send, and ready within the sweep window: rows from
    before the email was tracked are never emailed unasked."""
    return Certificate.objects.filter(
        status=CertificateStatus.READY,
        ready_email_sent_at__isnull=True,
        ready_email_queued_at__isnull=True,
        status_changed_at__gte=now - timedelta(seconds=settings.CERTIFICATE_EMAIL_SWEEP_WINDOW_SECONDS),
    )


def _take_owed(*, limit: int) -> list[Certificate]:
    """Take up to `limit` owed emails for this send. Two sends running at once take different
    rows: PostgreSQL skips the rows the other is taking, SQLite runs the two one after the
    other (IMMEDIATE transactions); the conditional update guards both. The claim time tells
    this send's rows."""
    taken_at = timezone.now()
    owed = _owed(taken_at)
    with transaction.atomic():
        candidates = list(
            owed.select_for_update(skip_locked=True).order_by("status_changed_at").values_list("pk", flat=True)[:limit]
        )
        owed.filter(pk__in=candidates).update(ready_email_queued_at=taken_at)
    return list(
        Certificate.objects.select_related("user")
        .filter(pk__in=candidates, ready_email_queued_at=taken_at)
        .order_by("status_changed_at")
    )


def _ready_message(certificate: Certificate, connection=None) -> EmailMessage:
    context = {"certificate": certificate, "site_url": settings.SITE_URL}
    return EmailMessage(
        subject=f"[Docere] Your certificate for “{certificate.course_title}” is ready",
        body=render_to_string("certificates/email/ready.txt", context),
        to=[certificate.user.email],
        connection=connection,
    )


def _record_sent(certificates: list[Certificate]) -> None:
    if not certificates:
        return
    with transaction.atomic():
        Certificate.objects.filter(pk__in=[one.pk for one in certificates]).update(ready_email_sent_at=timezone.now())
        CertificateEvent.objects.bulk_create(
            CertificateEvent(certificate=one, kind=CertificateEventKind.EMAILED, detail=one.user.email)
            for one in certificates
        )


def ready_emails_send(*, queue: str = LEARNERS_EMAIL_QUEUE) -> int:
    """Send every owed "ready" email (up to READY_EMAILS_PER_SEND) through one connection.

    The mark that a send is waiting is cleared first: a certificate ready from now on is either
    taken below or asks for a send of its own. If the mail server fails part-way, the emails
    already sent are recorded, the rest are handed back, and the error is raised for the
    task to retry. Returns how many were sent."""
    try:
        cache.delete(_send_asked_for_key(queue))
    except Exception:  # noqa: BLE001 — the mark expires by itself
        logger.warning("Cache unavailable; the ready-email send mark expires on its own", exc_info=True)
    taken = _take_owed(limit=READY_EMAILS_PER_SEND)
    if not taken:
        return 0
    sent: list[Certificate] = []
    refused: list[Certificate] = []
    try:
        with get_connection() as connection:
            for certificate in taken:
                try:
                    _ready_message(certificate, connection).send()
                except SMTPRecipientsRefused:
                    # One address the server will not take must not hold back everyone else's
                    # email; it stays taken, and the sweeper hands it back to try again later.
                    logger.warning("Ready email for %s refused by the mail server", certificate.code, exc_info=True)
                    refused.append(certificate)
                    continue
                sent.append(certificate)
    finally:
        # A worker killed before this point leaves its rows taken: the sweeper hands them back.
        _record_sent(sent)
        done = {one.pk for one in sent + refused}
        unsent = [one.pk for one in taken if one.pk not in done]
        if unsent:
            Certificate.objects.filter(pk__in=unsent).update(ready_email_queued_at=None)
    if len(taken) == READY_EMAILS_PER_SEND:
        ready_emails_send_request(queue=queue)  # more may be owed
    return len(sent)


def certificate_email_send_one(*, certificate_id: int) -> bool:
    """Send one certificate's owed email at once (an explicit request to send it again).
    False when nothing is owed: not ready, already sent, or gone."""
    certificate = (
        Certificate.objects.select_related("user")
        .filter(pk=certificate_id, status=CertificateStatus.READY, ready_email_sent_at__isnull=True)
        .first()
    )
    if certificate is None:
        return False
    _ready_message(certificate).send()
    # A worker killed between the send and this line sends one more email later: better a
    # duplicate than a learner never told.
    _record_sent([certificate])
    return True


def certificate_emails_sweep(*, now=None) -> int:
    """Hand back "ready" emails still unsent a while after the certificate became ready (the
    worker died mid-send, or the broker lost the send), and ask for a send. Returns how many
    were owed; the send takes each once, however many sweeps asked."""
    now = now or timezone.now()
    pause = timedelta(seconds=settings.CERTIFICATE_EMAIL_STUCK_AFTER_SECONDS)
    stuck = Certificate.objects.filter(
        Q(ready_email_queued_at__isnull=True) | Q(ready_email_queued_at__lt=now - pause),
        status=CertificateStatus.READY,
        ready_email_sent_at__isnull=True,
        status_changed_at__lt=now - pause,
        status_changed_at__gte=now - timedelta(seconds=settings.CERTIFICATE_EMAIL_SWEEP_WINDOW_SECONDS),
    )
    count = stuck.update(ready_email_queued_at=None)
    if count:
        from certificates.tasks import send_ready_emails

        # Not through ready_emails_send_request: the send its mark stands for may be the lost one.
        queue_task(send_ready_emails, LEARNERS_EMAIL_QUEUE)
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
        # An explicit request owes the learner one more email, even for a certificate ready
        # long ago, which the sends leave alone; it goes on its own.
        Certificate.objects.filter(pk=certificate.pk).update(
            ready_email_sent_at=None, ready_email_queued_at=timezone.now()
        )
        transaction.on_commit(lambda: queue_task(email_certificate_ready, certificate.pk))
