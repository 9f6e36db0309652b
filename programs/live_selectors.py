"""Reads for live sessions: a cohort's curriculum with each step's state for one
participant, the attendance roster, a session's time as its own zone tells it, and who may
see a session."""

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from courses.models import Course, Disclosure, Enrollment, Faculty
from lms.qr import qr_svg
from programs.access import can_run_cohort, current_participation
from programs.models.programs import Cohort, Institution, Participant, ParticipantStatus
from programs.models.sessions import Attendance, CurriculumItem, LiveSession


class StepState:
    DONE = "done"
    NEXT = "next"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"


STATE_LABELS = {
    StepState.DONE: "Done",
    StepState.NEXT: "Next",
    StepState.OVERDUE: "Overdue",
    StepState.UPCOMING: "Upcoming",
}


def session_when(session: LiveSession) -> str:
    """ "Tue 14 Jan 2027, 12:00–13:30 CST (America/Chicago)": in the session's own zone, named,
    because participants come from several institutions and the room is in one place."""
    starts = session.starts_at.astimezone(session.zone)
    ends = session.ends_at.astimezone(session.zone)
    day = f"{starts:%a} {starts.day} {starts:%b %Y}"
    if starts.date() == ends.date():
        span = f"{starts:%H:%M}–{ends:%H:%M} {ends:%Z}"
    else:
        span = f"{starts:%H:%M %Z} – {ends:%a} {ends.day} {ends:%b %Y}, {ends:%H:%M %Z}"
    return f"{day}, {span} ({session.time_zone})"


@dataclass
class CurriculumStep:
    item: CurriculumItem
    state: str | None = None
    is_course: bool = False
    title: str = ""
    url: str = ""
    when: str = ""
    due_date: date | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, "")


def curriculum_for(*, cohort: Cohort, participant: Participant | None, now: datetime | None = None) -> list:
    """The cohort's steps in order. With a participant, each is done / next / overdue / upcoming:
    a course is done when the participant's enrolment is complete and overdue past its due date;
    a session is done when attendance is recorded and overdue once it ended without it. Next is
    the first step neither done nor overdue. Three queries, however long the curriculum."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = list(
        CurriculumItem.objects.filter(cohort=cohort).select_related("course", "live_session").order_by("position")
    )
    completed_courses: set[int] = set()
    attended_sessions: set[int] = set()
    if participant is not None:
        course_ids = [item.course_id for item in items if item.course_id]
        completed_courses = set(
            Enrollment.objects.filter(
                user_id=participant.user_id, course_id__in=course_ids, completed_at__isnull=False
            ).values_list("course_id", flat=True)
        )
        attended_sessions = set(
            Attendance.objects.filter(participant=participant, session__cohort=cohort).values_list(
                "session_id", flat=True
            )
        )
    steps = []
    found_next = participant is None
    for item in items:
        step = CurriculumStep(item=item, due_date=item.due_date)
        if item.course_id:
            step.is_course = True
            step.title = item.course.title
            step.url = item.course.get_absolute_url()
            is_done = item.course_id in completed_courses
            is_overdue = item.due_date is not None and item.due_date < today
        else:
            session = item.live_session
            step.title = session.title
            step.url = session_url(session)
            step.when = session_when(session)
            is_done = session.pk in attended_sessions
            is_overdue = session.ends_at < now
        if participant is not None:
            if is_done:
                step.state = StepState.DONE
            elif is_overdue:
                step.state = StepState.OVERDUE
            elif not found_next:
                step.state = StepState.NEXT
                found_next = True
            else:
                step.state = StepState.UPCOMING
        steps.append(step)
    return steps


def session_url(session: LiveSession) -> str:
    return reverse("live:session", args=[session.pk])


@dataclass
class SessionViewer:
    """Who is looking at a session: its cohort's participant, or someone who runs the cohort."""

    session: LiveSession
    participant: Participant | None
    runs_cohort: bool


def session_viewer(*, session_id: int, user) -> SessionViewer | None:
    """None for everyone who is neither in the session's cohort nor running it."""
    session = LiveSession.objects.select_related("cohort__program", "credit_activity").filter(pk=session_id).first()
    if session is None or not user.is_authenticated:
        return None
    participant = current_participation(user, session.cohort)
    runs_cohort = can_run_cohort(user, session.cohort)
    if participant is None and not runs_cohort:
        return None
    return SessionViewer(session=session, participant=participant, runs_cohort=runs_cohort)


def session_credit_course(*, session: LiveSession) -> Course | None:
    """The credit activity with its faculty and their disclosures, for the course templates' list."""
    if session.credit_activity_id is None:
        return None
    return Course.objects.prefetch_related(
        Prefetch("faculty", queryset=Faculty.objects.order_by("order", "id")),
        Prefetch("faculty__disclosures", queryset=Disclosure.objects.order_by("id")),
    ).get(pk=session.credit_activity_id)


def disclosures_acknowledged_at(*, session: LiveSession, participant: Participant | None) -> datetime | None:
    if participant is None or session.credit_activity_id is None:
        return None
    return (
        Enrollment.objects.filter(user_id=participant.user_id, course_id=session.credit_activity_id)
        .values_list("disclosures_acknowledged_at", flat=True)
        .first()
    )


def attendance_of(*, session: LiveSession, participant: Participant | None) -> Attendance | None:
    if participant is None:
        return None
    return Attendance.objects.filter(session=session, participant=participant).first()


@dataclass
class RosterRow:
    participant: Participant
    attendance: Attendance | None

    @property
    def is_present(self) -> bool:
        return self.attendance is not None


@dataclass
class RosterGroup:
    institution: Institution
    rows: list[RosterRow] = field(default_factory=list)

    @property
    def present_count(self) -> int:
        return sum(1 for row in self.rows if row.is_present)


def roster_for(*, session: LiveSession) -> list[RosterGroup]:
    """The cohort's active participants by institution, each with their attendance, if any."""
    participants = (
        # Completed participants still come to sessions (completion needs only a share of them).
        Participant.objects.filter(cohort_id=session.cohort_id)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .select_related("user", "institution")
        .order_by("institution__name", "user__last_name", "user__first_name", "pk")
    )
    attendance = {row.participant_id: row for row in Attendance.objects.filter(session=session)}
    return [
        RosterGroup(
            institution=institution,
            rows=[RosterRow(participant=p, attendance=attendance.get(p.pk)) for p in members],
        )
        for institution, members in groupby(participants, key=lambda p: p.institution)
    ]


def cohort_sessions(*, cohort_id: int) -> list[LiveSession]:
    return list(LiveSession.objects.filter(cohort_id=cohort_id).order_by("starts_at", "pk"))


def calendar_participations(*, user) -> list[Participant]:
    """The signed-in person's current places in cohorts, each with its own feed."""
    return list(
        Participant.objects.filter(user=user)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .select_related("cohort__program")
        .order_by("-cohort__year", "pk")
    )


def check_in_url(session: LiveSession) -> str:
    """The check-in page with the session's code filled in: what the slide's QR code opens."""
    return f"{settings.SITE_URL}{reverse('live:check_in', args=[session.pk])}?code={session.check_in_code}"


def check_in_qr_svg(session: LiveSession) -> SafeString:
    # The URL is encoded into modules, never written into the markup: nothing authored reaches it.
    return mark_safe(qr_svg(check_in_url(session), module_px=5, quiet_zone=2))  # noqa: S308
