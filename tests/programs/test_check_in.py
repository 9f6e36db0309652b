"""Checking in with the code on the screen: only inside the window, once, with the right
code, and never by guessing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from lms.qr import qr_svg
from programs.live_services import CHECK_IN_WRONG_CODES_ALLOWED, CheckInRefused, check_in_record
from programs.models import Attendance, AttendanceMethod
from programs.models.sessions import CHECK_IN_CLOSES_AFTER, CHECK_IN_OPENS_BEFORE
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, LiveSessionFactory, ParticipantFactory
from tests.qr_reading import qr_texts_in_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """A session that started ten minutes ago, its participant, and a facilitator."""
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(minutes=-10), check_in_code="K7MPQ4")
    return session, ParticipantFactory(cohort=cohort), facilitator


def _check_in(client, session, code):
    return client.post(reverse("live:check_in", args=[session.pk]), {"code": code})


def test_a_participant_checks_in_with_the_code_typed_loosely(client, running):
    session, participant, _ = running
    client.force_login(participant.user)
    response = _check_in(client, session, " k7m-pq4 ")
    assert response.status_code == 302
    attendance = Attendance.objects.get(session=session, participant=participant)
    assert attendance.method == AttendanceMethod.CHECK_IN
    page = client.get(response.url).content.decode()
    assert "You are checked in" in page


def test_a_second_check_in_says_when_the_first_was(client, running):
    session, participant, _ = running
    client.force_login(participant.user)
    _check_in(client, session, "K7MPQ4")
    first = Attendance.objects.get(session=session, participant=participant)
    response = _check_in(client, session, "K7MPQ4")
    assert response.status_code == 400
    at = first.recorded_at.astimezone(session.zone).strftime("%H:%M")
    assert f"You checked in at {at}." in response.content.decode()
    assert Attendance.objects.filter(session=session).count() == 1


def test_a_participant_already_marked_on_the_roster_is_told_so(running):
    session, participant, facilitator = running
    from programs.live_services import attendance_mark

    attendance_mark(session=session, participant=participant, present=True, by=facilitator)
    with pytest.raises(CheckInRefused, match="A facilitator marked you present"):
        check_in_record(session=session, participant=participant, code="K7MPQ4")


def test_a_wrong_code_is_refused_and_nothing_is_recorded(client, running):
    session, participant, _ = running
    client.force_login(participant.user)
    response = _check_in(client, session, "K7MPQ5")
    assert response.status_code == 400
    assert "That is not the code for this session" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_code_with_look_alike_characters_gets_a_hint(client, running):
    session, participant, _ = running
    client.force_login(participant.user)
    response = _check_in(client, session, "K7MPQO")
    assert "never contain O, 0, I, 1 or L" in response.content.decode()
    assert not Attendance.objects.exists()


def test_an_empty_code_is_a_form_error(client, running):
    session, participant, _ = running
    client.force_login(participant.user)
    response = _check_in(client, session, "")
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_wrong_codes_are_limited_per_participant_and_session(client, running):
    session, participant, _ = running
    client.force_login(participant.user)
    for _ in range(CHECK_IN_WRONG_CODES_ALLOWED):
        assert _check_in(client, session, "AAAAAA").status_code == 400
    # Even the right code is refused now: otherwise guessing would only cost time.
    response = _check_in(client, session, "K7MPQ4")
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert not Attendance.objects.exists()
    # Another participant of the same session is not locked out.
    other = ParticipantFactory(cohort=session.cohort)
    client.force_login(other.user)
    assert _check_in(client, session, "K7MPQ4").status_code == 302


def test_check_in_opens_shortly_before_the_start(running):
    session, participant, _ = running
    opens_at = session.starts_at - CHECK_IN_OPENS_BEFORE
    with pytest.raises(CheckInRefused, match="Check-in opens"):
        check_in_record(session=session, participant=participant, code="K7MPQ4", now=opens_at - timedelta(seconds=1))
    assert not Attendance.objects.exists()
    check_in_record(session=session, participant=participant, code="K7MPQ4", now=opens_at)
    assert Attendance.objects.filter(participant=participant).exists()


def test_check_in_closes_a_while_after_the_end(running):
    session, participant, _ = running
    closes_at = session.ends_at + CHECK_IN_CLOSES_AFTER
    with pytest.raises(CheckInRefused, match="Check-in closed"):
        check_in_record(session=session, participant=participant, code="K7MPQ4", now=closes_at + timedelta(seconds=1))
    check_in_record(session=session, participant=participant, code="K7MPQ4", now=closes_at)
    assert Attendance.objects.filter(participant=participant).exists()


def test_a_check_in_a_day_early_says_when_it_opens(client):
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=1), time_zone="America/Chicago")
    client.force_login(participant.user)
    response = _check_in(client, session, session.check_in_code)
    opens = (session.starts_at - CHECK_IN_OPENS_BEFORE).astimezone(session.zone)
    assert response.status_code == 400
    assert f"Check-in opens {opens:%a}" in response.content.decode()
    assert opens.strftime("%H:%M") in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_check_in_after_the_session_says_it_closed(client):
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(hours=-5))
    client.force_login(participant.user)
    response = _check_in(client, session, session.check_in_code)
    assert "Check-in closed" in response.content.decode()
    assert not Attendance.objects.exists()


def test_facilitators_see_the_code_and_can_replace_it(client, running):
    session, participant, facilitator = running
    client.force_login(facilitator)
    page = client.get(reverse("live:attendance", args=[session.pk])).content.decode()
    assert "K7MPQ4" in page
    client.post(reverse("live:check_in_code", args=[session.pk]))
    session.refresh_from_db()
    assert session.check_in_code != "K7MPQ4"
    client.force_login(participant.user)
    assert _check_in(client, session, "K7MPQ4").status_code == 400
    assert _check_in(client, session, session.check_in_code).status_code == 302


def test_the_check_in_page_says_when_a_participant_already_checked_in(client, running):
    session, participant, _ = running
    attendance = check_in_record(session=session, participant=participant, code="K7MPQ4")
    client.force_login(participant.user)
    page = client.get(reverse("live:check_in", args=[session.pk])).content.decode()
    at = attendance.recorded_at.astimezone(session.zone).strftime("%H:%M")
    assert f"You checked in at {at}." in page
    assert 'name="code"' not in page


def test_the_attendance_page_shows_a_qr_code_that_opens_check_in_with_the_code_filled_in(client, settings):
    settings.SITE_URL = "https://cme.example.org"
    facilitator = UserFactory()
    session = LiveSessionFactory(cohort=CohortFactory(facilitators=[facilitator]), starts_in=timedelta(minutes=-5))
    client.force_login(facilitator)
    expected = f"https://cme.example.org/programs/sessions/{session.pk}/check-in/?code={session.check_in_code}"

    page = client.get(f"/programs/sessions/{session.pk}/attendance/").content.decode()

    assert qr_svg(expected, module_px=5, quiet_zone=2) in page
    figure = page[page.index('<figure class="check-in-qr">') :].split("</figure>")[0]
    assert qr_texts_in_markup(figure) == [expected], "the code shown reads back as that address"

    participant = ParticipantFactory(cohort=session.cohort)
    client.force_login(participant.user)
    check_in = client.get(f"/programs/sessions/{session.pk}/check-in/?code={session.check_in_code}").content.decode()
    assert f'value="{session.check_in_code}"' in check_in
    # The filled-in code is only a suggestion: nothing is recorded until the participant submits.
    assert not Attendance.objects.exists()
