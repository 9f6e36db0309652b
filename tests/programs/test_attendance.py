"""The roster: a facilitator marks each active participant present or absent, one at a time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.live_services import attendance_mark
from programs.models import Attendance, AttendanceMethod
from tests.factories import UserFactory
from tests.programs.factories import (
    CohortFactory,
    DirectorFactory,
    InstitutionFactory,
    LiveSessionFactory,
    ParticipantFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db


def attendance_url(session) -> str:
    return reverse("live:attendance", args=[session.pk])


@pytest.fixture
def roster():
    lakeside, riverbend = InstitutionFactory(name="Lakeside Medical"), InstitutionFactory(name="Riverbend Health")
    facilitator = UserFactory()
    cohort = CohortFactory(program=ProgramFactory(institutions=[lakeside, riverbend]), facilitators=[facilitator])
    session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(minutes=-5))
    people = [
        ParticipantFactory(cohort=cohort, institution=lakeside, user=UserFactory(first_name="Ana", last_name="Lake")),
        ParticipantFactory(cohort=cohort, institution=riverbend, user=UserFactory(first_name="Ben", last_name="River")),
        ParticipantFactory(cohort=cohort, institution=riverbend, user=UserFactory(first_name="Cy", last_name="Rivera")),
    ]
    return session, facilitator, people


def test_the_roster_groups_participants_by_institution(client, roster):
    session, facilitator, _ = roster
    client.force_login(facilitator)
    response = client.get(reverse("live:attendance", args=[session.pk]))
    groups = [(g.institution.name, [r.participant.display_name for r in g.rows]) for g in response.context["groups"]]
    assert groups == [("Lakeside Medical", ["Ana Lake"]), ("Riverbend Health", ["Ben River", "Cy Rivera"])]


def test_marking_one_participant_present_touches_only_that_participant(client, roster):
    session, facilitator, (ana, ben, cy) = roster
    client.force_login(facilitator)
    response = client.post(reverse("live:attendance", args=[session.pk]), {"participant": ben.pk, "present": "1"})
    assert response.status_code == 302
    rows = list(Attendance.objects.filter(session=session))
    assert [(row.participant, row.method, row.recorded_by) for row in rows] == [
        (ben, AttendanceMethod.ROSTER, facilitator)
    ]
    page = client.get(response.url).content.decode()
    assert "Ben River: marked present." in page
    assert "1 of 3" in page


def test_marking_absent_removes_the_attendance(client, roster):
    session, facilitator, (ana, _, _) = roster
    attendance_mark(session=session, participant=ana, present=True, by=facilitator)
    client.force_login(facilitator)
    client.post(reverse("live:attendance", args=[session.pk]), {"participant": ana.pk, "present": "0"})
    assert not Attendance.objects.exists()


def test_marking_present_twice_keeps_one_row_and_the_check_in_stays(roster):
    session, facilitator, (ana, _, _) = roster
    from programs.live_services import check_in_record

    check_in_record(session=session, participant=ana, code=session.check_in_code)
    attendance_mark(session=session, participant=ana, present=True, by=facilitator)
    assert list(Attendance.objects.values_list("method", flat=True)) == [AttendanceMethod.CHECK_IN]


def test_a_participant_of_another_cohort_cannot_be_marked(client, roster):
    session, facilitator, _ = roster
    stranger = ParticipantFactory()
    client.force_login(facilitator)
    response = client.post(reverse("live:attendance", args=[session.pk]), {"participant": stranger.pk, "present": "1"})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_withdrawn_participant_is_not_on_the_roster_and_cannot_be_marked(client, roster):
    session, facilitator, (ana, _, _) = roster
    ana.status, ana.withdrawn_at = "withdrawn", timezone.now()
    ana.save()
    client.force_login(facilitator)
    page = client.get(reverse("live:attendance", args=[session.pk])).content.decode()
    assert "Ana Lake" not in page
    response = client.post(reverse("live:attendance", args=[session.pk]), {"participant": ana.pk, "present": "1"})
    assert response.status_code == 400


def test_a_garbled_mark_changes_nothing(client, roster):
    session, facilitator, (ana, _, _) = roster
    client.force_login(facilitator)
    response = client.post(reverse("live:attendance", args=[session.pk]), {"participant": "x", "present": "maybe"})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("size", [10, 100])
def test_the_roster_runs_the_same_queries_for_10_or_100_participants(client, django_assert_max_num_queries, size):
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator], capacity=200)
    session = LiveSessionFactory(cohort=cohort)
    institutions = list(cohort.program.institutions.all())
    for number in range(size):
        participant = ParticipantFactory(cohort=cohort, institution=institutions[number % len(institutions)])
        if number % 3 == 0:
            attendance_mark(session=session, participant=participant, present=True, by=facilitator)
    client.force_login(facilitator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("live:attendance", args=[session.pk]))
    assert response.context["participant_count"] == size


def test_a_participant_who_already_completed_the_program_is_still_on_the_roster(client):
    facilitator = UserFactory()
    session = LiveSessionFactory(cohort=CohortFactory(facilitators=[facilitator]), starts_in=timedelta(minutes=-5))
    finished = ParticipantFactory(cohort=session.cohort, status="completed", completed_at=timezone.now())
    client.force_login(facilitator)

    assert f"Mark present: {finished.display_name}" in client.get(attendance_url(session)).content.decode()
    response = client.post(attendance_url(session), {"participant": finished.pk, "present": "1"})

    assert response.status_code == 302
    assert Attendance.objects.get().participant == finished


def test_a_director_without_a_second_factor_enrols_one_before_the_session_pages(client):
    session = LiveSessionFactory(starts_in=timedelta(minutes=-5))
    participant = ParticipantFactory(cohort=session.cohort)
    client.force_login(DirectorFactory(totp=False))
    pages = [
        attendance_url(session),
        reverse("live:session", args=[session.pk]),
        reverse("live:curriculum", args=[session.cohort_id]),
        reverse("programs:cohort", args=[session.cohort_id]),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), page
    marked = client.post(attendance_url(session), {"participant": participant.pk, "present": "1"})
    assert marked["Location"] == reverse("mfa_activate_totp")
    assert not Attendance.objects.exists()
