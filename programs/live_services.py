"""Writes for live sessions: attendance from the roster and from check-in codes, the code
itself, moving a session (which calendars must notice), the calendar feed's secret, and
the disclosures a participant acknowledges before a session designated for credit."""

from collections.abc import Iterable
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Enrollment
from courses.services import disclosures_acknowledge
from programs.credit_services import credit_activity_follow_session
from programs.models.programs import Participant, new_calendar_token
from programs.models.sessions import (
    CHECK_IN_ALPHABET,
    CHECK_IN_CLOSES_AFTER,
    CHECK_IN_CODE_LENGTH,
    CHECK_IN_OPENS_BEFORE,
    Attendance,
    AttendanceMethod,
    LiveSession,
    new_check_in_code,
)

# A six-character code from 31 symbols has ~887 million values; ten guesses per person and
# session keep the odds of guessing it far below one in a million.
CHECK_IN_WRONG_CODES_ALLOWED = 10
CHECK_IN_WRONG_CODES_REMEMBERED_SECONDS = 24 * 60 * 60
# The alphabet leaves out O, 0, I, 1 and L so no code has two readings; someone who types
# one of them misread the slide, and is told so.
CHECK_IN_LOOK_ALIKES = set("O0I1L")


class CheckInRefused(Exception):
    """A check-in that was not recorded, with a message the participant can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _local(moment: datetime, session: LiveSession) -> str:
    return moment.astimezone(session.zone).strftime("%a %d %b %Y at %H:%M %Z").replace(" 0", " ", 1)


def check_in_code_normalise(raw: str) -> str:
    """Upper case, without spaces, dashes or dots: " ab c-d34 " becomes "ABCD34"."""
    return "".join(raw.split()).replace("-", "").replace(".", "").upper()


def _wrong_codes_key(*, session: LiveSession, participant: Participant) -> str:
    return f"check-in-wrong:{session.pk}:{participant.pk}"


def check_in_wrong_codes(*, session: LiveSession, participant: Participant) -> int:
    return cache.get(_wrong_codes_key(session=session, participant=participant), 0)


def _count_wrong_code(*, session: LiveSession, participant: Participant) -> None:
    key = _wrong_codes_key(session=session, participant=participant)
    cache.add(key, 0, timeout=CHECK_IN_WRONG_CODES_REMEMBERED_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=CHECK_IN_WRONG_CODES_REMEMBERED_SECONDS)


def check_in_record(
    *, session: LiveSession, participant: Participant, code: str, now: datetime | None = None
) -> Attendance:
    """Record that a participant is at the session, on the code shown in the room."""
    now = now or timezone.now()
    if participant.cohort_id != session.cohort_id:
        raise CheckInRefused("This session belongs to another cohort.")
    existing = Attendance.objects.filter(session=session, participant=participant).first()
    if existing is not None:
        raise CheckInRefused(_already_recorded(existing, session))
    if check_in_wrong_codes(session=session, participant=participant) >= CHECK_IN_WRONG_CODES_ALLOWED:
        raise CheckInRefused(
            "Too many wrong codes for this session. Ask a facilitator to mark you present on the roster."
        )
    if not session.check_in_is_open(now):
        opens_at = session.starts_at - CHECK_IN_OPENS_BEFORE
        if now < opens_at:
            minutes = int(CHECK_IN_OPENS_BEFORE.total_seconds() // 60)
            raise CheckInRefused(f"Check-in opens {_local(opens_at, session)}, {minutes} minutes before the start.")
        closed_at = session.ends_at + CHECK_IN_CLOSES_AFTER
        raise CheckInRefused(
            f"Check-in closed {_local(closed_at, session)}. Ask a facilitator to mark you present on the roster."
        )
    normalised = check_in_code_normalise(code)
    if normalised != session.check_in_code:
        _count_wrong_code(session=session, participant=participant)
        if set(normalised) & CHECK_IN_LOOK_ALIKES:
            raise CheckInRefused(
                "Check-in codes never contain O, 0, I, 1 or L. Check the screen in the room and try again."
            )
        if len(normalised) != CHECK_IN_CODE_LENGTH or set(normalised) - set(CHECK_IN_ALPHABET):
            raise CheckInRefused(
                f"A check-in code has {CHECK_IN_CODE_LENGTH} letters and digits, like the one on the screen."
            )
        raise CheckInRefused("That is not the code for this session. Check the screen in the room and try again.")
    try:
        with transaction.atomic():
            return Attendance.objects.create(
                session=session,
                participant=participant,
                method=AttendanceMethod.CHECK_IN,
                recorded_at=now,
                recorded_by=participant.user,
            )
    except IntegrityError:
        # A double tap, or a facilitator marked the roster in the same moment.
        existing = Attendance.objects.get(session=session, participant=participant)
        raise CheckInRefused(_already_recorded(existing, session)) from None


def _already_recorded(attendance: Attendance, session: LiveSession) -> str:
    at = attendance.recorded_at.astimezone(session.zone).strftime("%H:%M")
    if attendance.method == AttendanceMethod.CHECK_IN:
        return f"You checked in at {at}."
    return f"A facilitator marked you present at {at}."


def attendance_mark(
    *, session: LiveSession, participant: Participant, present: bool, by, now: datetime | None = None
) -> Attendance | None:
    """A facilitator marks a participant present (creates the row) or absent (deletes it)."""
    if participant.cohort_id != session.cohort_id:
        raise ValueError("That participant is not in this session's cohort.")
    if not present:
        Attendance.objects.filter(session=session, participant=participant).delete()
        return None
    try:
        with transaction.atomic():
            attendance, _ = Attendance.objects.get_or_create(
                session=session,
                participant=participant,
                defaults={"method": AttendanceMethod.ROSTER, "recorded_at": now or timezone.now(), "recorded_by": by},
            )
    except IntegrityError:
        # Checked in with the code in the same moment: the participant is present either way.
        attendance = Attendance.objects.get(session=session, participant=participant)
    return attendance


def check_in_code_regenerate(*, session: LiveSession, by) -> LiveSession:
    """A new code, when the old one was shared outside the room."""
    code = new_check_in_code()
    while code == session.check_in_code:
        code = new_check_in_code()
    session.check_in_code = code
    session.save(update_fields=["check_in_code", "updated_at"])
    return session


# The fields a calendar shows as the time and the place of an event.
CALENDAR_FIELDS = frozenset({"starts_at", "ends_at", "time_zone", "location", "video_url"})


def live_session_save(*, session: LiveSession, changed_fields: Iterable[str], by=None) -> LiveSession:
    """Save a session edited as a whole (the admin's change form): like a reschedule, a change
    of time, zone or place raises SEQUENCE so subscribed calendars take the new version."""
    with transaction.atomic():
        if session.pk is not None and CALENDAR_FIELDS & set(changed_fields):
            current = LiveSession.objects.select_for_update().values_list("calendar_sequence", flat=True)
            session.calendar_sequence = current.get(pk=session.pk) + 1
            credit_activity_follow_session(session=session)
        session.save()
    return session


def live_session_reschedule(
    *,
    session: LiveSession,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    video_url: str,
    by=None,
) -> LiveSession:
    """Move a session. RFC 5545: a calendar replaces its copy of an event only when SEQUENCE goes
    up, so every change of time or place bumps it; a save with nothing changed does not."""
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        changes = {"starts_at": starts_at, "ends_at": ends_at, "location": location, "video_url": video_url}
        changed = [field for field, value in changes.items() if getattr(locked, field) != value]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, changes[field])
        locked.calendar_sequence += 1
        locked.full_clean(exclude=["credit_activity", "cohort"])
        credit_activity_follow_session(session=locked)
        locked.save(update_fields=[*changed, "calendar_sequence", "updated_at"])
    return locked


def calendar_token_reset(*, participant: Participant) -> Participant:
    """A new feed URL; calendars subscribed to the old one stop receiving sessions."""
    participant.calendar_token = new_calendar_token()
    participant.save(update_fields=["calendar_token"])
    return participant


def session_disclosures_acknowledge(*, session: LiveSession, participant: Participant) -> Enrollment:
    """ACCME Std 3: a participant sees the faculty's disclosures before the session.

    The credit activity is a live course reached only from the program, which may be unlisted,
    unpublished or released on the session's day: `enrollment_create` refuses such a course,
    so the participant is enrolled here directly."""
    if session.credit_activity_id is None:
        raise ValueError("This session is not designated for credit.")
    try:
        with transaction.atomic():
            enrollment, _ = Enrollment.objects.get_or_create(
                user=participant.user, course_id=session.credit_activity_id
            )
    except IntegrityError:
        enrollment = Enrollment.objects.get(user=participant.user, course_id=session.credit_activity_id)
    return disclosures_acknowledge(enrollment=enrollment)
