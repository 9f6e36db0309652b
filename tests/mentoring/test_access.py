"""Who reaches each mentoring page. A pairing's pages exist for its mentor, its participant
and program directors; everyone else — the cohort's facilitators, its other participants,
other mentors, strangers — gets a 404 and changes nothing."""

import pytest
from django.urls import reverse

from mentoring.models import MentoringMeeting, MentorPairing
from tests.factories import UserFactory
from tests.mentoring.factories import MentoringMeetingFactory, MentorPairingFactory
from tests.programs.factories import DirectorFactory, ParticipantFactory

OUTSIDERS = ["anonymous", "other learner", "other pairing's mentor", "other participant", "facilitator"]


@pytest.fixture
def people(cohort, pairing, director):
    facilitator = UserFactory(email="facilitator@example.org")
    cohort.facilitators.add(facilitator)
    other_pairing = MentorPairingFactory(participant=ParticipantFactory(cohort=cohort))
    return {
        "anonymous": None,
        "other learner": UserFactory(email="stranger@example.org"),
        "other pairing's mentor": other_pairing.mentor,
        "other participant": other_pairing.participant.user,
        "facilitator": facilitator,
        "director": director,
        "mentor": pairing.mentor,
        "participant": pairing.participant.user,
    }


def as_(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def meeting(pairing):
    return MentoringMeetingFactory(pairing=pairing, logged_by=pairing.mentor)


@pytest.mark.parametrize("who", OUTSIDERS + ["mentor", "participant"])
def test_only_directors_reach_the_cohort_mentoring_page(client, people, cohort, who):
    url = reverse("mentoring:cohort", args=[cohort.pk])
    client = as_(client, people[who])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"participant": people["participant"].participations.get().pk, "mentor_email": "x@y.org"}
    )
    assert response.status_code == 404
    assert MentorPairing.objects.count() == 2


@pytest.mark.parametrize("who", OUTSIDERS + ["mentor", "participant"])
def test_only_directors_end_a_pairing(client, people, pairing, who):
    response = as_(client, people[who]).post(reverse("mentoring:pairing_end", args=[pairing.pk]))
    assert response.status_code == 404
    pairing.refresh_from_db()
    assert pairing.is_current


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_never_see_a_pairings_meetings(client, people, pairing, meeting, who):
    url = reverse("mentoring:pairing", args=[pairing.pk])
    client = as_(client, people[who])
    response = client.get(url)
    assert response.status_code == 404
    assert meeting.notes not in response.content.decode()
    response = client.post(url, {"met_on": "2020-01-01", "notes": "Not theirs to log."})
    assert response.status_code == 404
    assert MentoringMeeting.objects.count() == 1


@pytest.mark.parametrize("who", ["mentor", "participant", "director"])
def test_the_pair_and_directors_read_the_notes(client, people, pairing, meeting, who):
    response = as_(client, people[who]).get(reverse("mentoring:pairing", args=[pairing.pk]))
    assert response.status_code == 200
    assert meeting.notes in response.content.decode()


def test_a_director_reads_but_does_not_log(client, people, pairing):
    url = reverse("mentoring:pairing", args=[pairing.pk])
    client = as_(client, people["director"])
    assert "Log a meeting" not in client.get(url).content.decode()
    assert client.post(url, {"met_on": "2020-01-01"}).status_code == 404
    assert not MentoringMeeting.objects.exists()


@pytest.mark.parametrize("who", OUTSIDERS + ["participant", "director"])
def test_only_who_logged_a_meeting_edits_or_deletes_it(client, people, pairing, meeting, who):
    client = as_(client, people[who])
    edit = reverse("mentoring:meeting_edit", args=[pairing.pk, meeting.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"met_on": "2020-01-01", "notes": "Rewritten"}).status_code == 404
    assert client.post(reverse("mentoring:meeting_delete", args=[pairing.pk, meeting.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.notes != "Rewritten"


def test_the_mentoring_page_asks_a_stranger_to_sign_in(client):
    response = client.get(reverse("mentoring:home"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("who", ["other learner", "facilitator", "other pairing's mentor"])
def test_the_mentoring_page_shows_only_your_own_pairings(client, people, pairing, who):
    response = as_(client, people[who]).get(reverse("mentoring:home"))
    assert response.status_code == 200
    assert reverse("mentoring:pairing", args=[pairing.pk]) not in response.content.decode()


def test_a_director_without_a_second_factor_is_sent_to_enrol_before_reading_notes(client, pairing, meeting):
    client.force_login(DirectorFactory(totp=False))
    for url in (
        reverse("mentoring:pairing", args=[pairing.pk]),
        reverse("mentoring:cohort", args=[pairing.participant.cohort_id]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_directors_look_pairings_up_in_the_admin_but_pair_on_the_mentoring_page(client, director, pairing, meeting):
    client.force_login(director)
    assert client.get(reverse("admin:mentoring_mentorpairing_changelist")).status_code == 200
    assert client.get(reverse("admin:mentoring_mentoringmeeting_changelist")).status_code == 200
    assert client.get(reverse("admin:mentoring_mentorpairing_add")).status_code == 403
