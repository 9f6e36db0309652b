"""A person's way into their programs: "Programs" in the menu, their cohorts, and each
cohort's home with what their role works with."""

from datetime import timedelta

import pytest

from mentoring.models import MentorPairing
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, DirectorFactory, LiveSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_a_participant_finds_their_cohort_and_the_session_they_can_check_in_to(client):
    participant = ParticipantFactory()
    running = LiveSessionFactory(
        cohort=participant.cohort, title="Naming the hidden curriculum", starts_in=timedelta(minutes=-10)
    )
    LiveSessionFactory(cohort=participant.cohort, title="Held last month", starts_in=timedelta(days=-30))
    client.force_login(participant.user)

    mine = client.get("/programs/mine/")
    assert mine.status_code == 200
    assert f'href="/programs/cohorts/{participant.cohort_id}/"'.encode() in mine.content

    home = client.get(f"/programs/cohorts/{participant.cohort_id}/")
    assert home.status_code == 200
    text = home.content.decode()
    assert "Next live session" in text and "Naming the hidden curriculum" in text
    assert f'href="/programs/sessions/{running.pk}/check-in/"' in text
    assert f"/programs/cohorts/{participant.cohort_id}/curriculum/" in text
    # Running the cohort is for facilitators and directors.
    assert "/roster/" not in text and "Attendance and check-in code" not in text


def test_a_facilitator_sees_the_roster_and_attendance_but_not_the_directors_pages(client):
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    session = LiveSessionFactory(cohort=cohort)
    client.force_login(facilitator)
    text = client.get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    assert f"/programs/cohorts/{cohort.pk}/roster/" in text
    assert f"/programs/sessions/{session.pk}/attendance/" in text
    assert "/programs/review/" not in text and "/programs/reports/" not in text


def test_a_director_reaches_every_cohorts_home_from_my_programs(client):
    cohorts = [CohortFactory(), CohortFactory()]
    client.force_login(DirectorFactory())
    text = client.get("/programs/mine/").content.decode()
    for cohort in cohorts:
        assert f'href="/programs/cohorts/{cohort.pk}/"' in text


def test_a_director_sees_every_page_of_the_cohort(client):
    director = DirectorFactory()
    cohort = CohortFactory()
    client.force_login(director)
    text = client.get(f"/programs/cohorts/{cohort.pk}/").content.decode()
    for path in ("/programs/review/", f"/mentoring/cohorts/{cohort.pk}/", f"/programs/reports/cohorts/{cohort.pk}/"):
        assert path in text


@pytest.mark.parametrize("who", ["anonymous", "learner", "participant elsewhere", "mentor"])
def test_a_cohort_home_does_not_exist_for_anyone_outside_it(client, who):
    cohort = CohortFactory()
    if who == "learner":
        client.force_login(UserFactory())
    elif who == "participant elsewhere":
        client.force_login(ParticipantFactory().user)
    elif who == "mentor":
        mentor = UserFactory()
        MentorPairing.objects.create(participant=ParticipantFactory(), mentor=mentor)
        client.force_login(mentor)
    assert client.get(f"/programs/cohorts/{cohort.pk}/").status_code == 404


def test_a_mentor_with_no_other_role_is_led_to_their_pairings(client):
    mentor = UserFactory()
    MentorPairing.objects.create(participant=ParticipantFactory(), mentor=mentor)
    client.force_login(mentor)
    assert b'href="/mentoring/"' in client.get("/programs/mine/").content


def test_the_menu_leads_visitors_to_the_programs_and_members_to_their_own(client):
    assert b'href="/programs/"' in client.get("/").content
    client.force_login(UserFactory())
    page = client.get("/programs/mine/")
    assert b'href="/programs/mine/"' in page.content and b"not part of a program yet" in page.content


def test_my_programs_takes_the_same_queries_for_one_cohort_or_ten(client, django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(10):
        ParticipantFactory(user=user)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get("/programs/mine/").status_code == 200
