"""A facilitator keeps the attendance roster on a phone, and a participant checks in with the
code from the slide, in a real browser: big buttons, nothing off the edge, no axe violation."""

from datetime import timedelta

import pytest

from programs.models import Attendance, AttendanceMethod
from tests.e2e.conftest import log_in
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, LiveSessionFactory, ParticipantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_facilitator_marks_the_roster_on_a_phone_and_a_participant_checks_in(page, live_server):
    facilitator = UserFactory(first_name="Fay", last_name="Facilitator")
    cohort = CohortFactory(facilitators=[facilitator])
    session = LiveSessionFactory(cohort=cohort, title="Leading a team huddle", starts_in=timedelta(minutes=-5))
    ana = ParticipantFactory(cohort=cohort, user=UserFactory(first_name="Ana", last_name="Lake"))
    ben = ParticipantFactory(cohort=cohort, user=UserFactory(first_name="Ben", last_name="River"))

    log_in(page, facilitator.email)
    page.goto(f"/programs/sessions/{session.pk}/attendance/")
    page.get_by_text(session.check_in_code).wait_for()
    mark_ben = page.get_by_role("button", name="Mark present: Ben River")
    box = mark_ben.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390, box
    mark_ben.click()
    page.get_by_text("Ben River: marked present.").wait_for()
    assert [(row.participant_id, row.method) for row in Attendance.objects.all()] == [(ben.pk, AttendanceMethod.ROSTER)]
    page.get_by_role("button", name="Mark absent: Ben River").click()
    page.get_by_text("Ben River: marked absent.").wait_for()
    assert not Attendance.objects.exists()
    page.get_by_role("button", name="Mark present: Ben River").wait_for()

    page.context.clear_cookies()
    log_in(page, ana.user.email)
    page.goto(f"/programs/sessions/{session.pk}/")
    page.get_by_role("link", name="Check in").click()
    page.get_by_label("Check-in code").fill(session.check_in_code.lower())
    page.get_by_role("button", name="Check in").click()
    page.get_by_text("You are checked in").wait_for()
    assert Attendance.objects.get().participant_id == ana.pk

    page.audit.assert_clean()
    assert page.audit.pages_checked >= 4
