"""Owed "ready" emails go out in sends: many learners' emails through one connection, each
learner emailed once, none lost when the mail server fails part-way, and one bad address
never holds back the rest. The mail server is the boundary: Django's in-memory backend,
subclassed to count connections or to fail."""

import threading
import time
from datetime import timedelta
from decimal import Decimal
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connections
from django.utils import timezone

from certificates import ready_email_services, services
from certificates.models import Certificate, CertificateEventKind
from certificates.tasks import email_certificate_ready
from lms.celery import app as celery_app
from lms.celery import ensure_broker_folders
from tests.certificates.conftest import complete_course, mark_ready
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n% a stored rendering\n"


class CountingMailServer(locmem.EmailBackend):
    connections_opened = 0
    fail_after: int | None = None  # drop the connection after this many messages
    refuse: set[str] = set()
    pause = None  # a threading.Event each message waits on
    waiting = 0

    def open(self):
        CountingMailServer.connections_opened += 1
        return super().open()

    def send_messages(self, messages):
        for message in messages:
            if CountingMailServer.pause is not None:
                CountingMailServer.waiting += 1
                CountingMailServer.pause.wait(timeout=10)
            if CountingMailServer.fail_after is not None and len(mail.outbox) >= CountingMailServer.fail_after:
                raise SMTPServerDisconnected("Connection unexpectedly closed")
            if set(message.to) & CountingMailServer.refuse:
                raise SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 Mailbox does not exist")})
        return super().send_messages(messages)


@pytest.fixture
def mail_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingMailServer"
    CountingMailServer.connections_opened = 0
    CountingMailServer.fail_after = None
    CountingMailServer.refuse = set()
    CountingMailServer.pause = None
    CountingMailServer.waiting = 0
    mail.outbox = []
    return CountingMailServer


@pytest.fixture
def empty_broker():
    ensure_broker_folders()
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def ready_certificates(count: int) -> list[Certificate]:
    """`count` learners, each with a certificate made ready the way the worker makes it."""
    course = build_course(slug=f"class-of-{count}")
    certificates = []
    for _ in range(count):
        user = ProfileFactory().user
        enrollment = complete_course(user, course)
        claim = services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal("1.75"), attested=True)
        certificates.append(claim)
    celery_app.control.purge()  # the claims' render messages: the renders happen here instead
    return [mark_ready(certificate, PDF) for certificate in certificates]


def emailed(certificate: Certificate) -> int:
    return certificate.events.filter(kind=CertificateEventKind.EMAILED).count()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_class_ready_at_once_asks_for_one_send_and_gets_its_emails_through_one_connection(
    private_media, mail_server, empty_broker
):
    certificates = ready_certificates(5)

    assert celery_app.control.purge() == 1, "five renders ready in a row ask for one send, not five"
    assert mail.outbox == []
    assert ready_email_services.ready_emails_send() == 5

    assert mail_server.connections_opened == 1
    assert recipients() == sorted(certificate.user.email for certificate in certificates)
    assert all(emailed(certificate) == 1 for certificate in certificates)
    first = next(message for message in mail.outbox if message.to == [certificates[0].user.email])
    assert certificates[0].course_title in first.subject
    assert f"/verify/{certificates[0].code}/" in first.body
    # Nothing is owed any more, and the next ready certificate asks for a send of its own.
    assert ready_email_services.ready_emails_send() == 0
    [latecomer] = ready_certificates(1)
    assert celery_app.control.purge() == 1
    assert ready_email_services.ready_emails_send() == 1
    assert emailed(latecomer) == 1


def test_a_mail_server_that_drops_the_connection_part_way_loses_no_email_and_repeats_none(
    private_media, mail_server, empty_broker
):
    certificates = ready_certificates(5)
    mail_server.fail_after = 2

    with pytest.raises(SMTPServerDisconnected):
        ready_email_services.ready_emails_send()  # the task retries it with backoff

    assert [emailed(certificate) for certificate in certificates] == [1, 1, 0, 0, 0]
    mail_server.fail_after = None
    assert ready_email_services.ready_emails_send() == 3
    assert recipients() == sorted(certificate.user.email for certificate in certificates)
    assert all(emailed(certificate) == 1 for certificate in certificates)


def test_an_address_the_mail_server_refuses_holds_back_nobody_else_and_is_tried_again_later(
    private_media, mail_server, empty_broker
):
    certificates = ready_certificates(3)
    bounced = certificates[1]
    mail_server.refuse = {bounced.user.email}

    assert ready_email_services.ready_emails_send() == 2

    assert [emailed(certificate) for certificate in certificates] == [1, 0, 1]
    assert ready_email_services.ready_emails_send() == 0, "not tried again at once"
    # Once the mailbox exists, the sweeper's next pass after the pause gets it there.
    mail_server.refuse = set()
    later = timezone.now() + timedelta(minutes=10)
    assert ready_email_services.certificate_emails_sweep(now=later) == 1
    assert ready_email_services.ready_emails_send() == 1
    assert emailed(bounced) == 1


def test_two_sends_running_at_once_email_each_learner_once(private_media, mail_server, empty_broker, monkeypatch):
    certificates = ready_certificates(6)
    monkeypatch.setattr(ready_email_services, "READY_EMAILS_PER_SEND", 3)
    mail_server.pause = threading.Event()
    counts = []

    def send():
        try:
            counts.append(ready_email_services.ready_emails_send())
        finally:
            connections.close_all()

    sends = [threading.Thread(target=send) for _ in range(2)]
    for one in sends:
        one.start()
    deadline = time.monotonic() + 20
    while mail_server.waiting < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert mail_server.waiting == 2, "each send has taken its rows and holds them at its first message"
    mail_server.pause.set()
    for one in sends:
        one.join(timeout=30)

    assert sorted(counts) == [3, 3]
    assert recipients() == sorted(certificate.user.email for certificate in certificates)
    assert all(emailed(certificate) == 1 for certificate in certificates)


def test_sends_leave_certificates_ready_before_the_sweep_window_alone_and_a_resend_still_reaches_them(
    private_media, mail_server, empty_broker
):
    [old] = ready_certificates(1)
    Certificate.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - timedelta(days=3))

    assert ready_email_services.ready_emails_send() == 0

    ready_email_services.certificate_email_resend(certificate=old)
    assert ready_email_services.ready_emails_send() == 0, "the resend goes on its own, not twice"
    email_certificate_ready.apply(args=[old.pk])
    assert recipients() == [old.user.email]
    assert emailed(old) == 1
