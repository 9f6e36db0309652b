"""Calendars: a participant's feed of every session of the cohort, one session's download,
and moving a session so that subscribed calendars replace their copy."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse

from programs.live_services import live_session_reschedule
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, LiveSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

NOON_IN_CHICAGO = datetime(2027, 1, 14, 18, 0, tzinfo=UTC)


@pytest.fixture
def cohort_with_sessions():
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    first = LiveSessionFactory(
        cohort=cohort,
        title="Leading a team huddle",
        starts_at=NOON_IN_CHICAGO,
        ends_at=NOON_IN_CHICAGO + timedelta(minutes=90),
        time_zone="America/Chicago",
        location="Health Sciences Library, room 204",
        agenda="**Welcome**; panel; small-group work.",
    )
    second = LiveSessionFactory(
        cohort=cohort,
        title="Feedback conversations",
        starts_at=datetime(2027, 3, 2, 14, 0, tzinfo=UTC),
        ends_at=datetime(2027, 3, 2, 15, 0, tzinfo=UTC),
        time_zone="America/New_York",
        location="",
        video_url="https://video.example.org/feedback",
    )
    LiveSessionFactory()  # another cohort's session, never in this feed
    return cohort, facilitator, first, second


def _feed(client, participant) -> icalendar.Calendar:
    response = client.get(reverse("live:calendar_feed", args=[participant.calendar_token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_holds_every_session_of_the_cohort_in_its_own_zone(client, cohort_with_sessions, settings):
    settings.SITE_URL = "https://cme.example.org"
    cohort, _, first, second = cohort_with_sessions
    participant = ParticipantFactory(cohort=cohort)
    calendar = _feed(client, participant)
    events = _events(calendar)
    assert set(events) == {"Leading a team huddle", "Feedback conversations"}
    huddle = events["Leading a team huddle"]
    assert str(huddle["UID"]) == f"session-{first.pk}@cme.example.org"
    assert huddle["DTSTART"].params["TZID"] == "America/Chicago"
    assert huddle.decoded("DTSTART").replace(tzinfo=None) == datetime(2027, 1, 14, 12, 0)
    assert huddle.decoded("DTSTART") == NOON_IN_CHICAGO
    assert huddle.decoded("DTEND") == NOON_IN_CHICAGO + timedelta(minutes=90)
    assert str(huddle["LOCATION"]) == "Health Sciences Library, room 204"
    assert str(huddle["URL"]) == f"https://cme.example.org/programs/sessions/{first.pk}/"
    assert "**Welcome**; panel" in str(huddle["DESCRIPTION"])
    assert huddle["SEQUENCE"] == 0
    assert "DTSTAMP" in huddle and "LAST-MODIFIED" in huddle
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert zones == {"America/Chicago", "America/New_York"}
    online = events["Feedback conversations"]
    assert online["DTSTART"].params["TZID"] == "America/New_York"
    assert "https://video.example.org/feedback" in str(online["LOCATION"])


def test_moving_a_session_raises_its_sequence_and_keeps_its_uid(client, cohort_with_sessions):
    cohort, facilitator, first, _ = cohort_with_sessions
    participant = ParticipantFactory(cohort=cohort)
    before = _events(_feed(client, participant))["Leading a team huddle"]
    live_session_reschedule(
        session=first,
        starts_at=NOON_IN_CHICAGO + timedelta(days=7),
        ends_at=NOON_IN_CHICAGO + timedelta(days=7, minutes=90),
        location=first.location,
        video_url="",
        by=facilitator,
    )
    after = _events(_feed(client, participant))["Leading a team huddle"]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1 == 1
    assert after.decoded("DTSTART") == NOON_IN_CHICAGO + timedelta(days=7)


def test_saving_a_session_unchanged_keeps_its_sequence(cohort_with_sessions):
    _, facilitator, first, _ = cohort_with_sessions
    same = live_session_reschedule(
        session=first,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        location=first.location,
        video_url=first.video_url,
        by=facilitator,
    )
    assert same.calendar_sequence == 0


def _edit(client, session, *, ends_at: str, location: str):
    """A facilitator posts the session's edit form: local times in the session's zone."""
    facilitator = session.cohort.facilitators.get()
    client.force_login(facilitator)
    return client.post(
        reverse("live:session_reschedule", args=[session.pk]),
        {"starts_at": "2027-01-14T13:00", "ends_at": ends_at, "location": location, "video_url": ""},
    )


def test_a_facilitator_moves_a_session_with_the_edit_form_in_its_own_zone(client, cohort_with_sessions):
    first = cohort_with_sessions[2]
    response = _edit(client, first, ends_at="2027-01-14T14:30", location="Room 101")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.starts_at == NOON_IN_CHICAGO + timedelta(hours=1)
    assert first.location == "Room 101"
    assert first.calendar_sequence == 1


def test_the_edit_form_refuses_an_end_before_the_start_and_a_session_with_no_place(client, cohort_with_sessions):
    first = cohort_with_sessions[2]
    response = _edit(client, first, ends_at="2027-01-14T12:00", location="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The session must end after it starts." in page
    assert "Give a room, a video link, or both." in page
    first.refresh_from_db()
    assert first.starts_at == NOON_IN_CHICAGO and first.calendar_sequence == 0


def test_an_unknown_token_is_404(client, cohort_with_sessions):
    assert client.get(reverse("live:calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_resetting_the_link_cuts_off_the_old_feed(client, cohort_with_sessions, settings):
    settings.SITE_URL = "https://cme.example.org"
    cohort, _, _, _ = cohort_with_sessions
    participant = ParticipantFactory(cohort=cohort)
    old_url = reverse("live:calendar_feed", args=[participant.calendar_token])
    client.force_login(participant.user)
    page = client.get(reverse("live:calendar")).content.decode()
    assert f"webcal://cme.example.org{old_url}" in page
    assert f"https://cme.example.org{old_url}" in page
    client.post(reverse("live:calendar_reset", args=[participant.pk]))
    participant.refresh_from_db()
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("live:calendar_feed", args=[participant.calendar_token])).status_code == 200


def test_a_withdrawn_participants_feed_stops(client, cohort_with_sessions):
    from django.utils import timezone

    cohort, _, _, _ = cohort_with_sessions
    participant = ParticipantFactory(cohort=cohort, status="withdrawn", withdrawn_at=timezone.now())
    assert client.get(reverse("live:calendar_feed", args=[participant.calendar_token])).status_code == 404


def test_one_session_downloads_as_an_ics_file(client, cohort_with_sessions):
    cohort, _, first, _ = cohort_with_sessions
    participant = ParticipantFactory(cohort=cohort)
    client.force_login(participant.user)
    response = client.get(reverse("live:session_ics", args=[first.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="session-{first.pk}.ics"'
    events = _events(icalendar.Calendar.from_ical(response.content))
    assert list(events) == ["Leading a team huddle"]
    assert events["Leading a team huddle"]["DTSTART"].params["TZID"] == "America/Chicago"


def test_a_whole_session_save_that_changes_the_zone_or_place_raises_the_sequence(cohort_with_sessions):
    from programs.live_services import live_session_save

    _, facilitator, first, _ = cohort_with_sessions
    first.title = "Leading a team huddle, revised"
    live_session_save(session=first, changed_fields=["title"], by=facilitator)
    first.refresh_from_db()
    assert first.calendar_sequence == 0
    first.time_zone = "America/Denver"
    live_session_save(session=first, changed_fields=["time_zone"], by=facilitator)
    first.refresh_from_db()
    assert (first.time_zone, first.calendar_sequence) == ("America/Denver", 1)


def test_the_session_page_says_when_a_participant_was_marked_present(client, cohort_with_sessions):
    from programs.live_services import attendance_mark

    cohort, facilitator, first, _ = cohort_with_sessions
    participant = ParticipantFactory(cohort=cohort)
    attendance = attendance_mark(session=first, participant=participant, present=True, by=facilitator)
    client.force_login(participant.user)
    page = client.get(reverse("live:session", args=[first.pk])).content.decode()
    at = attendance.recorded_at.astimezone(first.zone).strftime("%H:%M")
    assert f"A facilitator marked you present at {at}." in page
