"""iCalendar (RFC 5545) for live sessions: a participant's feed and one session's download.

Each event carries its session's own zone (TZID and a VTIMEZONE), so a calendar shows 12:00
Chicago time as 13:00 to someone in New York and keeps it right across a DST change; the UID
never changes and SEQUENCE goes up when the time or place does, so subscribed calendars
update the event instead of adding a second one."""

from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from programs.live_selectors import session_url
from programs.models.sessions import LiveSession

PRODUCT_ID = "-//Docere//Cohort programs//EN"


def session_uid(session: LiveSession) -> str:
    return f"session-{session.pk}@{urlsplit(settings.SITE_URL).hostname}"


def _event(session: LiveSession, *, stamped_at) -> icalendar.Event:
    zone = session.zone
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamped_at)
    event.add("last-modified", session.updated_at)
    event.add("sequence", session.calendar_sequence)
    event.add("summary", session.title)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    places = [place for place in (session.location, session.video_url) if place]
    event.add("location", " · ".join(places))
    page = settings.SITE_URL + session_url(session)
    event.add("url", page)
    description = [session.agenda.strip()] if session.agenda.strip() else []
    if session.video_url:
        description.append(f"Video link: {session.video_url}")
    description.append(f"Session page: {page}")
    event.add("description", "\n\n".join(description))
    return event


def sessions_calendar(sessions: Iterable[LiveSession], *, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamped_at = timezone.now()
    sessions = list(sessions)
    for session in sessions:
        calendar.add_component(_event(session, stamped_at=stamped_at))
    if sessions:
        # Zone rules for the years the sessions span, not the default 1970–2038: a smaller feed.
        first = min(session.starts_at for session in sessions).date()
        last = max(session.ends_at for session in sessions).date()
        calendar.add_missing_timezones(
            first_date=first.replace(month=1, day=1), last_date=last.replace(year=last.year + 2, month=1, day=1)
        )
    return calendar.to_ical()
