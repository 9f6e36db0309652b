"""A director works through a cohort's applications; the database keeps the seat count."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from programs import services
from programs.models import Application, ApplicationStatus, Cohort, Participant
from tests.factories import UserFactory
from tests.programs.factories import ApplicationFactory, CohortFactory, DirectorFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def decide(client, application, decision: str, note: str = ""):
    url = reverse("programs:review_application", args=[application.pk])
    return client.post(url, {"decision": decision, "note": note}, follow=True)


def test_accepting_takes_a_seat_and_makes_a_participant_of_the_applicants_institution(client, director, private_media):
    cohort = CohortFactory(capacity=2)
    institution = cohort.program.institutions.order_by("pk").last()
    application = ApplicationFactory(cohort=cohort, institution=institution)
    response = decide(client, application, "accept", note="Strong letter.")
    assert response.redirect_chain[-1][0] == reverse("programs:review_cohort", args=[cohort.pk])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.decided_by == director and application.decision_note == "Strong letter."
    participant = Participant.objects.get(cohort=cohort, user=application.applicant)
    assert participant.institution == institution and participant.application == application
    cohort.refresh_from_db()
    assert cohort.seats_taken == 1
    assert "1 of 2 places taken" in response.text


def test_a_full_cohort_refuses_another_acceptance_and_changes_nothing(client, director, private_media):
    cohort = CohortFactory(capacity=2)
    ParticipantFactory.create_batch(2, cohort=cohort)
    application = ApplicationFactory(cohort=cohort)
    response = decide(client, application, "accept")
    assert response.status_code == 400
    assert "The cohort is full (2 of 2 places taken); waitlist the applicant instead" in response.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.decided_at is None
    assert not Participant.objects.filter(user=application.applicant).exists()
    cohort.refresh_from_db()
    assert cohort.seats_taken == 2


def test_waitlisting_and_declining_keep_the_seats_free(client, director, private_media):
    cohort = CohortFactory(capacity=2)
    waitlisted, declined = ApplicationFactory.create_batch(2, cohort=cohort)
    decide(client, waitlisted, "waitlist")
    decide(client, declined, "decline", note="Not eligible: PGY-6.")
    waitlisted.refresh_from_db()
    declined.refresh_from_db()
    assert waitlisted.status == ApplicationStatus.WAITLISTED and waitlisted.waitlisted_at is not None
    assert declined.status == ApplicationStatus.DECLINED
    cohort.refresh_from_db()
    assert cohort.seats_taken == 0
    page = client.get(reverse("programs:review_application", args=[declined.pk])).text
    assert "Not eligible: PGY-6." in page and "Accept</button>" not in page


def test_the_queue_shows_new_applications_first_then_the_waitlist_in_its_order(client, director, private_media):
    cohort = CohortFactory()
    first_waitlisted, second_waitlisted, new = (
        ApplicationFactory(cohort=cohort, applicant=UserFactory(first_name=name)) for name in ("Wen", "Xavi", "Nia")
    )
    services.application_waitlist(application=first_waitlisted, director=director)
    services.application_waitlist(application=second_waitlisted, director=director)
    page = client.get(reverse("programs:review_cohort", args=[cohort.pk])).text
    assert page.index("Nia") < page.index("Wen") < page.index("Xavi")


def test_the_review_list_counts_applications_by_status(client, director, private_media):
    cohort = CohortFactory()
    ApplicationFactory.create_batch(3, cohort=cohort)
    ApplicationFactory(cohort=cohort, status=ApplicationStatus.DECLINED)
    response = client.get(reverse("programs:review"))
    [row] = [c for c in response.context["cohorts"] if c.pk == cohort.pk]
    assert (row.count_submitted, row.count_declined) == (3, 1)


@pytest.mark.parametrize("applications", [10, 100])
def test_the_review_queue_costs_the_same_queries_for_10_or_100_applications(
    client, director, private_media, django_assert_max_num_queries, applications
):
    cohort = CohortFactory(capacity=200)
    ApplicationFactory.create_batch(applications, cohort=cohort)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:review_cohort", args=[cohort.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("programs:review")).status_code == 200


@pytest.mark.parametrize("participants", [10, 100])
def test_the_roster_costs_the_same_queries_for_10_or_100_participants(
    client, director, private_media, django_assert_max_num_queries, participants
):
    cohort = CohortFactory(capacity=200)
    ParticipantFactory.create_batch(participants, cohort=cohort)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programs:roster", args=[cohort.pk]))
    assert response.status_code == 200
    assert f"{participants} participants" in response.text


def test_the_roster_groups_participants_by_institution_with_counts(client, director, private_media):
    cohort = CohortFactory()
    lakeside, riverbend = cohort.program.institutions.order_by("pk")[:2]
    ParticipantFactory.create_batch(2, cohort=cohort, institution=lakeside)
    ParticipantFactory(cohort=cohort, institution=riverbend)
    page = client.get(reverse("programs:roster", args=[cohort.pk])).text
    assert f"{lakeside.name} (2)" in page and f"{riverbend.name} (1)" in page


@pytest.mark.django_db(transaction=True)
def test_two_directors_accepting_at_once_cannot_both_take_the_last_seat(private_media):
    cohort = CohortFactory(capacity=1)
    applications = ApplicationFactory.create_batch(2, cohort=cohort)
    directors = DirectorFactory.create_batch(2)
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def accept(application, director):
        try:
            barrier.wait()
            services.application_accept(application=application, director=director)
            outcomes.append("accepted")
        except services.CohortFullError as error:
            outcomes.append(error.message)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(applications, directors, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == [
        "The cohort is full (1 of 1 places taken); waitlist the applicant instead.",
        "accepted",
    ]
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 1
    assert Participant.objects.filter(cohort=cohort).count() == 1
    statuses = sorted(Application.objects.filter(cohort=cohort).values_list("status", flat=True))
    assert statuses == [ApplicationStatus.ACCEPTED, ApplicationStatus.SUBMITTED]
