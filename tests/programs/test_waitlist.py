"""A seat that opens up goes to the earliest waitlisted applicant, who has a few days to take it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import services, waitlist_services
from programs.models import Application, ApplicationStatus, Cohort, Participant, ParticipantStatus
from programs.tasks import sweep_expired_offers
from tests.programs.factories import ApplicationFactory, CohortFactory, DirectorFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_cohort(private_media):
    """Two places, both taken by accepted applicants; three on the waitlist."""
    cohort = CohortFactory(capacity=2, offer_days=5)
    director = DirectorFactory()
    for application in ApplicationFactory.create_batch(2, cohort=cohort):
        services.application_accept(application=application, director=director)
    waitlist = ApplicationFactory.create_batch(3, cohort=cohort)
    # Waitlisted in the reverse order of applying: the waitlist's order is what counts.
    for application in reversed(waitlist):
        services.application_waitlist(application=application, director=director)
    return cohort, director, list(reversed(waitlist))


def seats_taken(cohort) -> int:
    return Cohort.objects.get(pk=cohort.pk).seats_taken


def status_of(application) -> str:
    return Application.objects.get(pk=application.pk).status


def test_a_withdrawn_participant_s_seat_is_offered_to_the_first_on_the_waitlist(client, full_cohort):
    cohort, director, (first, second, third) = full_cohort
    leaving = Participant.objects.filter(cohort=cohort).first()
    client.force_login(director)
    client.post(reverse("programs:participant_withdraw", args=[cohort.pk, leaving.pk]))
    leaving.refresh_from_db()
    assert leaving.status == ParticipantStatus.WITHDRAWN
    assert status_of(leaving.application) == ApplicationStatus.WITHDRAWN
    offered = Application.objects.get(pk=first.pk)
    assert offered.status == ApplicationStatus.OFFERED
    assert offered.offer_expires_at - offered.offered_at == timedelta(days=5)
    assert (status_of(second), status_of(third)) == (ApplicationStatus.WAITLISTED,) * 2
    assert seats_taken(cohort) == 2  # the offer holds the seat


def test_the_applicant_accepts_the_offered_place_and_becomes_a_participant(client, full_cohort):
    cohort, director, (first, _second, _third) = full_cohort
    services.participant_withdraw(participant=Participant.objects.filter(cohort=cohort).first(), director=director)
    client.force_login(first.applicant)
    page = client.get(reverse("programs:my_applications")).text
    assert "A place has opened up for you" in page
    response = client.post(
        reverse("programs:application_respond", args=[first.pk]), {"response": "accept"}, follow=True
    )
    assert "You have accepted your place" in response.text
    assert status_of(first) == ApplicationStatus.ACCEPTED
    assert Participant.objects.get(cohort=cohort, user=first.applicant).institution == first.institution
    assert seats_taken(cohort) == 2


def test_a_declined_offer_passes_the_seat_to_the_next_in_line(client, full_cohort):
    cohort, director, (first, second, third) = full_cohort
    services.participant_withdraw(participant=Participant.objects.filter(cohort=cohort).first(), director=director)
    client.force_login(first.applicant)
    client.post(reverse("programs:application_respond", args=[first.pk]), {"response": "decline"})
    assert status_of(first) == ApplicationStatus.DECLINED
    assert status_of(second) == ApplicationStatus.OFFERED
    assert status_of(third) == ApplicationStatus.WAITLISTED
    assert seats_taken(cohort) == 2


def test_an_expired_offer_moves_on_to_the_next_applicant_when_the_sweeper_runs(full_cohort):
    cohort, director, (first, second, _third) = full_cohort
    services.participant_withdraw(participant=Participant.objects.filter(cohort=cohort).first(), director=director)
    Application.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    assert sweep_expired_offers.apply().get() == 1
    assert status_of(first) == ApplicationStatus.DECLINED
    assert status_of(second) == ApplicationStatus.OFFERED
    assert seats_taken(cohort) == 2
    assert sweep_expired_offers.apply().get() == 0


def test_an_expired_offer_is_closed_as_soon_as_the_applicant_looks(client, full_cohort):
    cohort, director, (first, second, _third) = full_cohort
    services.participant_withdraw(participant=Participant.objects.filter(cohort=cohort).first(), director=director)
    Application.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(first.applicant)
    page = client.get(reverse("programs:my_applications")).text
    assert "A place has opened up for you" not in page and "Declined" in page
    assert status_of(second) == ApplicationStatus.OFFERED


def test_accepting_an_offer_after_it_expired_is_refused_and_the_seat_moves_on(full_cohort):
    cohort, director, (first, second, _third) = full_cohort
    services.participant_withdraw(participant=Participant.objects.filter(cohort=cohort).first(), director=director)
    later = timezone.now() + timedelta(days=6)
    with pytest.raises(services.ApplicationError, match="expired"):
        waitlist_services.offer_accept(application=first, applicant=first.applicant, now=later)
    assert status_of(first) == ApplicationStatus.DECLINED
    assert not Participant.objects.filter(cohort=cohort, user=first.applicant).exists()
    assert status_of(second) == ApplicationStatus.OFFERED


def test_a_seat_with_nobody_waiting_is_simply_free_again(private_media):
    cohort = CohortFactory(capacity=1)
    participant = ParticipantFactory(cohort=cohort)
    services.participant_withdraw(participant=participant, director=DirectorFactory())
    assert seats_taken(cohort) == 0


def test_a_waitlisted_applicant_may_withdraw_and_leaves_the_line(client, full_cohort):
    cohort, director, (first, second, _third) = full_cohort
    client.force_login(first.applicant)
    client.post(reverse("programs:application_respond", args=[first.pk]), {"response": "withdraw"})
    assert status_of(first) == ApplicationStatus.WITHDRAWN
    services.participant_withdraw(participant=Participant.objects.filter(cohort=cohort).first(), director=director)
    assert status_of(second) == ApplicationStatus.OFFERED
