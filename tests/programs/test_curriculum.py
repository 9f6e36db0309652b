"""A participant's curriculum: courses and live sessions in order, each done, next, overdue
or upcoming, with session times in the session's own zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from programs.live_services import attendance_mark
from tests.courses.factories import CourseFactory
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, CurriculumItemFactory, LiveSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _complete(user, course):
    now = timezone.now()
    Enrollment.objects.create(
        user=user,
        course=course,
        disclosures_acknowledged_at=now,
        post_test_passed_at=now,
        evaluation_submitted_at=now,
        completed_at=now,
    )


def _states(response) -> list[tuple[str, str]]:
    return [(step.title, step.state) for step in response.context["steps"]]


def test_each_step_says_whether_it_is_done_next_overdue_or_upcoming(client):
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    participant = ParticipantFactory(cohort=cohort)
    today = timezone.localdate()
    finished = CourseFactory(title="Finished course")
    late = CourseFactory(title="Late course")
    current = CourseFactory(title="Current course")
    later = CourseFactory(title="Later course")
    attended = LiveSessionFactory(cohort=cohort, title="Attended session", starts_in=timedelta(days=-20))
    missed = LiveSessionFactory(cohort=cohort, title="Missed session", starts_in=timedelta(days=-10))
    coming = LiveSessionFactory(cohort=cohort, title="Coming session", starts_in=timedelta(days=20))
    for position, item in enumerate(
        [
            {"course": finished, "due_date": today - timedelta(days=30)},
            {"live_session": attended},
            {"course": late, "due_date": today - timedelta(days=1)},
            {"live_session": missed},
            {"course": current, "due_date": today + timedelta(days=5)},
            {"live_session": coming},
            {"course": later},
        ],
        start=1,
    ):
        CurriculumItemFactory(cohort=cohort, position=position, **item)
    _complete(participant.user, finished)
    attendance_mark(session=attended, participant=participant, present=True, by=facilitator)

    client.force_login(participant.user)
    response = client.get(reverse("live:curriculum", args=[cohort.pk]))

    assert _states(response) == [
        ("Finished course", "done"),
        ("Attended session", "done"),
        ("Late course", "overdue"),
        ("Missed session", "overdue"),
        ("Current course", "next"),
        ("Coming session", "upcoming"),
        ("Later course", "upcoming"),
    ]
    html = response.content.decode()
    assert finished.get_absolute_url() in html
    assert reverse("live:session", args=[coming.pk]) in html
    assert "Overdue" in html and "Next" in html


@pytest.mark.parametrize(
    ("starts_at", "minutes", "page", "shown"),
    [
        # 18:00 UTC on 14 January 2027 is noon in Chicago (CST, UTC−6)…
        (datetime(2027, 1, 14, 18, 0, tzinfo=UTC), 90, "live:curriculum", "Thu 14 Jan 2027, 12:00–13:30 CST"),
        # …and in July noon is 17:00 UTC (CDT, UTC−5).
        (datetime(2027, 7, 6, 17, 0, tzinfo=UTC), 60, "live:session", "Tue 6 Jul 2027, 12:00–13:00 CDT"),
    ],
    ids=["winter-curriculum", "summer-session-page"],
)
def test_a_session_shows_its_time_in_its_own_zone_with_the_zone_named(client, starts_at, minutes, page, shown):
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    session = LiveSessionFactory(
        cohort=cohort, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), time_zone="America/Chicago"
    )
    CurriculumItemFactory(cohort=cohort, live_session=session)
    client.force_login(participant.user)
    target = cohort.pk if page == "live:curriculum" else session.pk
    response = client.get(reverse(page, args=[target]))
    assert f"{shown} (America/Chicago)" in response.content.decode()


def test_a_facilitator_sees_the_steps_without_a_participants_states(client):
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    CurriculumItemFactory(cohort=cohort, course=CourseFactory(title="Course for all"))
    client.force_login(facilitator)
    response = client.get(reverse("live:curriculum", args=[cohort.pk]))
    assert _states(response) == [("Course for all", None)]


def test_the_next_step_is_the_first_not_done_and_not_overdue(client):
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    for position in (1, 2):
        CurriculumItemFactory(
            cohort=cohort,
            position=position,
            course=CourseFactory(title=f"Course {position}"),
            due_date=timezone.localdate() + timedelta(days=position),
        )
    client.force_login(participant.user)
    response = client.get(reverse("live:curriculum", args=[cohort.pk]))
    assert _states(response) == [("Course 1", "next"), ("Course 2", "upcoming")]


@pytest.mark.parametrize("items", [10, 100])
def test_the_curriculum_page_runs_the_same_queries_for_10_or_100_items(client, django_assert_max_num_queries, items):
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    courses = CourseFactory.create_batch(items // 2, faculty=0, modules=0)
    for position, course in enumerate(courses, start=1):
        CurriculumItemFactory(cohort=cohort, position=position, course=course)
        if position % 2:
            _complete(participant.user, course)
    for offset in range(items - len(courses)):
        session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=offset - 5))
        CurriculumItemFactory(cohort=cohort, position=len(courses) + offset + 1, live_session=session)
        if offset % 2:
            attendance_mark(session=session, participant=participant, present=True, by=None)
    client.force_login(participant.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("live:curriculum", args=[cohort.pk]))
    assert len(response.context["steps"]) == items
