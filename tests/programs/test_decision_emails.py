"""Applicants hear of each decision by e-mail, sent by the worker once the decision is committed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from programs import services
from programs.models import Application, Participant
from programs.tasks import email_application_decision, sweep_unsent_decision_emails
from tests.certificates.test_ready_email import emails_to, wait_for_the_worker_to_catch_up, wait_until
from tests.programs.factories import ApplicationFactory, CohortFactory, DirectorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_acceptance_and_records_it(private_media, celery_worker):
    application = ApplicationFactory(cohort=CohortFactory(year=2031))
    services.application_accept(application=application, director=DirectorFactory())

    wait_until(lambda: emails_to(application.applicant), timeout=60, what="the acceptance e-mail")
    wait_for_the_worker_to_catch_up()

    [message] = emails_to(application.applicant)
    assert message.subject == f"[Docere] You are accepted into {application.cohort}"
    assert "Welcome!" in message.body and "/programs/applications/" in message.body
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and f"<strong>{application.cohort}</strong>" in html
    assert Application.objects.get(pk=application.pk).decision_email_sent_at is not None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_offer_from_the_waitlist_reaches_the_next_applicant(private_media, celery_worker):
    cohort = CohortFactory(capacity=1, offer_days=3)
    director = DirectorFactory()
    accepted, waiting = ApplicationFactory.create_batch(2, cohort=cohort)
    services.application_accept(application=accepted, director=director)
    services.application_waitlist(application=waiting, director=director)
    wait_until(lambda: emails_to(waiting.applicant), timeout=60, what="the waitlist e-mail")
    services.participant_withdraw(participant=Participant.objects.get(application=accepted), director=director)

    wait_until(lambda: len(emails_to(waiting.applicant)) == 2, timeout=60, what="the offer e-mail")
    wait_for_the_worker_to_catch_up()

    subjects = sorted(message.subject for message in emails_to(waiting.applicant))
    assert subjects == [
        f"[Docere] A place in {cohort} has opened up for you",
        f"[Docere] You are on the waitlist for {cohort}",
    ]
    offer = next(m for m in emails_to(waiting.applicant) if "opened up" in m.subject)
    assert "Accept or decline it on your applications page before" in offer.body


def test_a_decision_e_mail_goes_once_however_often_the_message_is_delivered(private_media):
    application = ApplicationFactory()
    services.application_decline(application=application, director=DirectorFactory())
    assert email_application_decision.apply(args=[application.pk]).get() is True
    assert email_application_decision.apply(args=[application.pk]).get() is False
    [message] = mail.outbox
    assert message.to == [application.applicant.email]
    assert "cannot offer you a place" in message.body


def test_a_submitted_application_owes_no_e_mail(private_media):
    application = ApplicationFactory()
    assert email_application_decision.apply(args=[application.pk]).get() is False
    assert mail.outbox == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_lost_decision_e_mail_is_sent_by_the_sweeper(private_media, celery_worker):
    lost, old = ApplicationFactory.create_batch(2)
    now = timezone.now()
    # Decided, but the message asking for the e-mail never reached the worker.
    Application.objects.filter(pk=lost.pk).update(status="declined", decided_at=now - timedelta(minutes=15))
    Application.objects.filter(pk=old.pk).update(status="declined", decided_at=now - timedelta(days=5))

    sweep_unsent_decision_emails.delay()  # what beat sends
    wait_until(lambda: emails_to(lost.applicant), timeout=60, what="the swept e-mail")
    wait_for_the_worker_to_catch_up()

    assert len(emails_to(lost.applicant)) == 1 and emails_to(old.applicant) == []
    assert services.decision_emails_sweep() == 0
