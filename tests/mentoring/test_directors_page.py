"""A director pairs a cohort's participants with mentors, ends pairings, and sees who has
not met lately."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MentorPairing
from programs.models import ParticipantStatus
from tests.mentoring.factories import MentorFactory, MentoringMeetingFactory, MentorPairingFactory
from tests.programs.factories import CohortFactory, ParticipantFactory


@pytest.fixture
def director_client(client, director):
    client.force_login(director)
    return client


def cohort_url(cohort, **query) -> str:
    url = reverse("mentoring:cohort", args=[cohort.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_a_director_pairs_a_participant_with_a_mentor_by_email(director_client, director, cohort):
    participant = ParticipantFactory(cohort=cohort)
    mentor = MentorFactory(email="dr.okafor@lakeside.edu")

    response = director_client.post(
        cohort_url(cohort), {"participant": participant.pk, "mentor_email": "Dr.Okafor@Lakeside.edu"}, follow=True
    )

    assert "dr.okafor@lakeside.edu now mentors" in response.content.decode()
    pairing = MentorPairing.objects.get()
    assert (pairing.participant, pairing.mentor, pairing.paired_by) == (participant, mentor, director)
    roster = response.content.decode().split('id="roster"')[1]
    assert mentor.get_full_name() in roster


def test_pairing_with_an_address_without_an_account_says_so_and_pairs_no_one(director_client, cohort):
    participant = ParticipantFactory(cohort=cohort)

    response = director_client.post(cohort_url(cohort), {"participant": participant.pk, "mentor_email": "nobody@x.org"})

    assert response.status_code == 400
    assert "No Docere account uses nobody@x.org" in response.content.decode()
    assert not MentorPairing.objects.exists()


def test_a_participant_of_another_cohort_cannot_be_paired_here(director_client, cohort):
    elsewhere = ParticipantFactory()
    MentorFactory(email="mentor@lakeside.edu")

    response = director_client.post(
        cohort_url(cohort), {"participant": elsewhere.pk, "mentor_email": "mentor@lakeside.edu"}
    )

    assert response.status_code == 400
    assert not MentorPairing.objects.exists()


def test_the_same_mentor_cannot_be_paired_twice_with_one_participant(director_client, pairing):
    response = director_client.post(
        cohort_url(pairing.participant.cohort),
        {"participant": pairing.participant.pk, "mentor_email": pairing.mentor.email},
    )

    assert response.status_code == 400
    assert "already mentors" in response.content.decode()
    assert MentorPairing.objects.count() == 1


def test_a_participant_is_not_their_own_mentor(director_client, cohort):
    participant = ParticipantFactory(cohort=cohort)

    response = director_client.post(
        cohort_url(cohort), {"participant": participant.pk, "mentor_email": participant.user.email}
    )

    assert response.status_code == 400
    assert "cannot be their own mentor" in response.content.decode()
    assert not MentorPairing.objects.exists()


def test_a_pairing_ended_then_made_again_is_allowed(director_client, pairing):
    cohort = pairing.participant.cohort
    end = director_client.post(reverse("mentoring:pairing_end", args=[pairing.pk]), follow=True)
    assert "no longer mentors" in end.content.decode()

    again = director_client.post(
        cohort_url(cohort), {"participant": pairing.participant.pk, "mentor_email": pairing.mentor.email}, follow=True
    )

    assert again.status_code == 200
    assert MentorPairing.objects.filter(ended_at__isnull=False).count() == 1
    assert MentorPairing.objects.filter(ended_at__isnull=True).count() == 1


def test_ending_a_pairing_twice_says_it_has_ended(director_client, pairing):
    url = reverse("mentoring:pairing_end", args=[pairing.pk])
    director_client.post(url)
    response = director_client.post(url, follow=True)
    assert "already ended" in response.content.decode()


def test_the_roster_lists_active_participants_with_their_mentors_and_last_meeting(director_client, cohort):
    pairing = MentorPairingFactory(participant__cohort=cohort)
    MentoringMeetingFactory(pairing=pairing, weeks_ago=3)
    latest = MentoringMeetingFactory(pairing=pairing, weeks_ago=1)
    withdrawn = ParticipantFactory(
        cohort=cohort, user__first_name="Wendy", status=ParticipantStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )

    roster = director_client.get(cohort_url(cohort)).content.decode().split('id="roster"')[1]

    assert pairing.mentor.get_full_name() in roster
    assert latest.met_on.isoformat() in roster
    assert withdrawn.display_name not in roster


def not_met_table(response) -> str:
    page = response.content.decode()
    return page.split('id="not-met"')[1].split("</table>")[0] if 'id="not-met"' in page else ""


def test_not_met_in_four_weeks_lists_silent_pairings_with_how_long_ago(director_client, cohort):
    recent = MentorPairingFactory(participant__cohort=cohort, mentor__last_name="Recent")
    MentoringMeetingFactory(pairing=recent, weeks_ago=2)
    silent = MentorPairingFactory(participant__cohort=cohort, mentor__last_name="Silent")
    MentoringMeetingFactory(pairing=silent, met_on=timezone.localdate() - timedelta(days=40))
    MentorPairingFactory(
        participant__cohort=cohort, mentor__last_name="Never", paired_at=timezone.now() - timedelta(days=50)
    )
    new = MentorPairingFactory(participant__cohort=cohort, mentor__last_name="Newcomer")
    ended = MentorPairingFactory(
        participant__cohort=cohort, mentor__last_name="Ended", paired_at=timezone.now() - timedelta(days=90)
    )
    ended.ended_at = timezone.now()
    ended.save()

    table = not_met_table(director_client.get(cohort_url(cohort)))

    assert "Silent" in table and "40 days" in table
    assert "Never" in table and "50 days" in table
    assert table.index("Never") < table.index("Silent"), "longest silence first"
    for quiet_enough in (recent, new, ended):
        assert quiet_enough.mentor.last_name not in table


def test_not_met_weeks_come_from_the_form(director_client, cohort):
    pairing = MentorPairingFactory(participant__cohort=cohort, mentor__last_name="Fortnight")
    MentoringMeetingFactory(pairing=pairing, met_on=timezone.localdate() - timedelta(days=15))

    assert "Fortnight" not in not_met_table(director_client.get(cohort_url(cohort)))
    response = director_client.get(cohort_url(cohort, weeks=2))
    assert "Not met in 2 weeks" in response.content.decode()
    assert "Fortnight" in not_met_table(response)


def test_a_nonsense_number_of_weeks_gets_an_error_and_the_default(director_client, cohort):
    response = director_client.get(cohort_url(cohort, weeks="soon"))
    page = response.content.decode()
    assert "Enter a whole number" in page
    assert "Not met in 4 weeks" in page


@pytest.mark.parametrize("pairings", [10, 100])
def test_the_directors_page_queries_stay_flat(director_client, pairings, django_assert_max_num_queries):
    cohort = CohortFactory(capacity=pairings)
    for number in range(pairings):
        pairing = MentorPairingFactory(
            participant__cohort=cohort, paired_at=timezone.now() - timedelta(days=60 + number % 7)
        )
        if number % 2:
            MentoringMeetingFactory(pairing=pairing, weeks_ago=8)
    with django_assert_max_num_queries(10):
        response = director_client.get(cohort_url(cohort))
    assert response.status_code == 200
    assert not_met_table(response).count("<tr>") == pairings + 1
