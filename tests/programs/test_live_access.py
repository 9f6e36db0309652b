"""Every live-session page exists only for the cohort's people: its participants, its
facilitators and the program directors. Everyone else gets a 404."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.programs.factories import (
    CohortFactory,
    CurriculumItemFactory,
    DirectorFactory,
    LiveSessionFactory,
    ParticipantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    session = LiveSessionFactory(cohort=cohort)
    CurriculumItemFactory(cohort=cohort, live_session=session)
    other_facilitator = UserFactory()
    other_cohort = CohortFactory(facilitators=[other_facilitator])
    return {
        "cohort": cohort,
        "session": session,
        "participant": ParticipantFactory(cohort=cohort).user,
        "facilitator": facilitator,
        "director": DirectorFactory(),
        "other learner": UserFactory(),
        "participant of another cohort": ParticipantFactory(cohort=other_cohort).user,
        "facilitator of another cohort": other_facilitator,
    }


def _pages(world):
    session, cohort = world["session"], world["cohort"]
    return {
        "curriculum": reverse("live:curriculum", args=[cohort.pk]),
        "session": reverse("live:session", args=[session.pk]),
        "session.ics": reverse("live:session_ics", args=[session.pk]),
        "check-in": reverse("live:check_in", args=[session.pk]),
    }


def _runner_pages(world):
    session = world["session"]
    return {
        "attendance": reverse("live:attendance", args=[session.pk]),
        "edit": reverse("live:session_reschedule", args=[session.pk]),
    }


OUTSIDERS = ["anonymous", "other learner", "participant of another cohort", "facilitator of another cohort"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_people_outside_the_cohort_get_404_on_every_page(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    pages = {**_pages(world), **_runner_pages(world)}
    statuses = {name: client.get(url).status_code for name, url in pages.items()}
    assert statuses == dict.fromkeys(pages, 404)
    session = world["session"]
    posts = [
        reverse("live:attendance", args=[session.pk]),
        reverse("live:check_in_code", args=[session.pk]),
        reverse("live:check_in", args=[session.pk]),
        reverse("live:session_disclosures", args=[session.pk]),
        reverse("live:session_reschedule", args=[session.pk]),
    ]
    assert [client.post(url, {"code": session.check_in_code}).status_code for url in posts] == [404] * len(posts)
    session.refresh_from_db()
    assert not session.attendance.exists()


@pytest.mark.parametrize("who", ["participant", "facilitator", "director"])
def test_the_cohorts_people_see_its_pages(client, world, who):
    client.force_login(world[who])
    pages = _pages(world)
    assert {name: client.get(url).status_code for name, url in pages.items()} == dict.fromkeys(pages, 200)


@pytest.mark.parametrize("who", ["facilitator", "director"])
def test_facilitators_and_directors_reach_the_roster_and_the_edit_form(client, world, who):
    client.force_login(world[who])
    pages = _runner_pages(world)
    assert {name: client.get(url).status_code for name, url in pages.items()} == dict.fromkeys(pages, 200)


def test_a_participant_cannot_open_the_roster_or_change_the_code(client, world):
    client.force_login(world["participant"])
    session = world["session"]
    code = session.check_in_code
    assert client.get(reverse("live:attendance", args=[session.pk])).status_code == 404
    assert client.get(reverse("live:session_reschedule", args=[session.pk])).status_code == 404
    assert client.post(reverse("live:check_in_code", args=[session.pk])).status_code == 404
    session.refresh_from_db()
    assert session.check_in_code == code


def test_a_withdrawn_participant_no_longer_sees_the_session(client, world):
    from django.utils import timezone

    participant = world["session"].cohort.participants.get()
    participant.status = "withdrawn"
    participant.withdrawn_at = timezone.now()
    participant.save()
    client.force_login(participant.user)
    assert client.get(reverse("live:session", args=[world["session"].pk])).status_code == 404


def test_an_unknown_session_or_cohort_is_404_even_for_a_director(client, world):
    client.force_login(world["director"])
    assert client.get(reverse("live:session", args=[999999])).status_code == 404
    assert client.get(reverse("live:curriculum", args=[999999])).status_code == 404


def test_the_calendar_page_is_only_for_participants(client, world):
    assert client.get(reverse("live:calendar")).status_code == 404
    client.force_login(world["other learner"])
    assert client.get(reverse("live:calendar")).status_code == 404
    client.force_login(world["participant"])
    assert client.get(reverse("live:calendar")).status_code == 200


def test_nobody_resets_another_participants_calendar_link(client, world):
    owner = world["session"].cohort.participants.get()
    token = owner.calendar_token
    for who in OUTSIDERS[1:] + ["facilitator", "director"]:
        client.force_login(world[who])
        assert client.post(reverse("live:calendar_reset", args=[owner.pk])).status_code == 404
    owner.refresh_from_db()
    assert owner.calendar_token == token
