"""The mentor is e-mailed when paired, from the `email` queue, once the pairing is committed."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mentoring import services
from mentoring.tasks import email_mentor_paired
from tests.certificates.test_ready_email import wait_until
from tests.mentoring.factories import MentorFactory, MentorPairingFactory
from tests.programs.factories import ParticipantFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_mentor_is_emailed_from_the_email_queue_when_paired(client, director, email_worker):
    participant = ParticipantFactory(user__first_name="Rosa", user__last_name="Resident")
    mentor = MentorFactory(email="dean.okafor@lakeside.edu")
    client.force_login(director)
    client.post(
        reverse("mentoring:cohort", args=[participant.cohort_id]),
        {"participant": participant.pk, "mentor_email": mentor.email},
    )
    wait_until(lambda: mail.outbox, timeout=60, what="the pairing e-mail")

    [message] = mail.outbox
    assert message.to == [mentor.email]
    assert "Rosa Resident" in message.subject
    pairing = participant.mentor_pairings.get()
    assert reverse("mentoring:pairing", args=[pairing.pk]) in message.body


@pytest.mark.django_db(transaction=True)
def test_no_email_for_a_pairing_that_rolled_back(django_capture_on_commit_callbacks):
    participant = ParticipantFactory()
    mentor = MentorFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.mentor_pairing_create(participant=participant, mentor=mentor, paired_by=None)
            raise RuntimeError("the director's request failed after pairing")
    assert callbacks == []
    assert not participant.mentor_pairings.exists()
    assert mail.outbox == []


def test_a_pairing_ended_before_its_email_went_out_is_not_announced(db):
    pairing = MentorPairingFactory()
    services.mentor_pairing_end(pairing=pairing)
    email_mentor_paired.apply(args=[pairing.pk], throw=True)
    assert mail.outbox == []
    assert pairing.participant.mentor_pairings.get().ended_at <= timezone.now()
