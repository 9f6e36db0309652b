"""The "certificate ready" email reaches the learner even when the mail server hiccups or
the message carrying it is lost, and never twice for one rendering.

A real worker (in a thread of this process) sends it; the mail server is the boundary the
tests break: Django's in-memory backend, made to refuse its first message.
"""

import time
import uuid
from datetime import timedelta
from decimal import Decimal
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends import locmem
from django.utils import timezone

from certificates import ready_email_services, services
from certificates.models import Certificate, CertificateEventKind, CertificateStatus
from certificates.tasks import render_certificate, sweep_unsent_certificate_emails
from lms.celery import ping
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class MailServerThatDropsTheFirstConnection(locmem.EmailBackend):
    refusals_left = 1

    def send_messages(self, messages):
        if MailServerThatDropsTheFirstConnection.refusals_left:
            MailServerThatDropsTheFirstConnection.refusals_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def wait_for_the_worker_to_catch_up() -> None:
    """Everything queued before this has been handled: the solo worker takes messages in order."""
    token = uuid.uuid4().hex
    ping.delay(token)
    wait_until(lambda: cache.get(f"ping:{token}") == "pong", timeout=30, what="the worker to empty its queue")


def emails_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def claimed(user, course_slug: str) -> Certificate:
    enrollment = complete_course(user, build_course(slug=course_slug))
    return services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal("1.75"), attested=True)


def test_the_ready_email_arrives_after_the_mail_server_refuses_it_once(
    physician, completed_enrollment, private_media, settings, celery_worker
):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerThatDropsTheFirstConnection"
    MailServerThatDropsTheFirstConnection.refusals_left = 1
    certificate = services.credit_claim_create(
        enrollment=completed_enrollment, user=physician, credits=Decimal("1.75"), attested=True
    )

    wait_until(lambda: emails_to(physician), timeout=60, what="the ready email")
    wait_for_the_worker_to_catch_up()

    assert MailServerThatDropsTheFirstConnection.refusals_left == 0, "the mail server did refuse once"
    [message] = emails_to(physician)
    assert certificate.course_title in message.subject
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert certificate.events.filter(kind=CertificateEventKind.EMAILED).count() == 1


def test_a_lost_ready_email_is_sent_by_the_sweeper_once_even_when_it_sweeps_twice(private_media, request):
    recent, old = ProfileFactory().user, ProfileFactory().user
    certificates = {user: claimed(user, slug) for user, slug in ((recent, "recent"), (old, "long-ago"))}
    for certificate in certificates.values():
        render_certificate.apply(args=[certificate.pk])  # ready; the email is queued on commit…
    request.getfixturevalue("celery_worker")  # …and lost: a fresh worker starts on an emptied queue
    now = timezone.now()
    Certificate.objects.filter(pk=certificates[recent].pk).update(status_changed_at=now - timedelta(minutes=10))
    # Ready long before anyone tracked the email: the learner has long had it or found the certificate.
    Certificate.objects.filter(pk=certificates[old].pk).update(status_changed_at=now - timedelta(days=2))
    assert mail.outbox == []

    sweep_unsent_certificate_emails.delay()  # what beat sends every minute
    sweep_unsent_certificate_emails.delay()
    wait_until(lambda: emails_to(recent), timeout=60, what="the swept email")
    wait_for_the_worker_to_catch_up()

    assert len(emails_to(recent)) == 1
    assert emails_to(old) == []
    assert certificates[recent].events.filter(kind=CertificateEventKind.EMAILED).count() == 1
    # A later sweep finds nothing owed.
    assert ready_email_services.certificate_emails_sweep(now=timezone.now() + timedelta(hours=1)) == 0
