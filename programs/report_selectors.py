"""The figures of a cohort's report for its program directors: retention, attendance, course
completion and project milestones, each broken down by institution.

A report runs the same handful of queries whatever the cohort's size: one for the people
(with their attendance counted in the database), one each for sessions, curriculum courses,
completed enrollments and milestones; everything else is arithmetic over those rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from courses.models import Course, Enrollment
from programs.models import (
    Cohort,
    CurriculumItem,
    Institution,
    LiveSession,
    Participant,
    ParticipantStatus,
    SelfIdentification,
)
from projects.models import Milestone


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def report_cohorts() -> list[Cohort]:
    """Every cohort a director may report on, newest first within each program."""
    return list(Cohort.objects.select_related("program").annotate(participant_count=Count("participants")))


@dataclass
class InstitutionRetention:
    institution: Institution
    accepted: int = 0
    active: int = 0
    withdrawn: int = 0
    completed: int = 0

    @property
    def retained_share(self) -> float | None:
        return _share(self.active + self.completed, self.accepted)


@dataclass(frozen=True)
class SessionAttendance:
    session: LiveSession
    attended: int
    present_participants: int

    @property
    def share(self) -> float | None:
        return _share(self.attended, self.present_participants)


@dataclass(frozen=True)
class ParticipantAttendance:
    participant: Participant
    attended: int
    held: int
    required_percent: int

    @property
    def share(self) -> float | None:
        return _share(self.attended, self.held)

    @property
    def is_below_required(self) -> bool:
        if self.participant.status == ParticipantStatus.WITHDRAWN:
            return False
        return self.held > 0 and self.attended * 100 < self.required_percent * self.held

    @property
    def self_identification(self) -> SelfIdentification | None:
        # Fetched with the participant (select_related): no query per row.
        return getattr(self.participant.user, "self_identification", None)


@dataclass
class CourseCompletion:
    course: Course
    institution: Institution | None  # None: the whole cohort
    completed: int
    participants: int

    @property
    def share(self) -> float | None:
        return _share(self.completed, self.participants)


@dataclass
class InstitutionMilestones:
    institution: Institution
    completed: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @property
    def on_time_share(self) -> float | None:
        return _share(self.on_time, self.completed)


@dataclass
class CohortReport:
    cohort: Cohort
    retention: list[InstitutionRetention]
    sessions: list[SessionAttendance]
    sessions_held: int
    participants: list[ParticipantAttendance]
    courses: list[CourseCompletion]
    milestones: list[InstitutionMilestones]
    retention_total: InstitutionRetention | None = None
    milestones_total: InstitutionMilestones | None = None
    institutions: list[Institution] = field(default_factory=list)


def _participants(cohort: Cohort, now: datetime) -> list[Participant]:
    return list(
        Participant.objects.filter(cohort=cohort)
        .select_related("user", "user__self_identification", "institution")
        .annotate(sessions_attended=Count("attendance", filter=Q(attendance__session__starts_at__lte=now)))
        .order_by("institution__name", "user__last_name", "user__first_name", "pk")
    )


def _retention(participants: list[Participant]) -> tuple[list[InstitutionRetention], InstitutionRetention]:
    by_institution: dict[int, InstitutionRetention] = {}
    total = InstitutionRetention(institution=Institution(name="All institutions"))
    for participant in participants:
        row = by_institution.setdefault(
            participant.institution_id, InstitutionRetention(institution=participant.institution)
        )
        for counts in (row, total):
            counts.accepted += 1
            setattr(counts, participant.status, getattr(counts, participant.status) + 1)
    return list(by_institution.values()), total


def _sessions(cohort: Cohort, now: datetime, present: int) -> tuple[list[SessionAttendance], int]:
    # Attendance counts those still in the cohort (active or completed): a participant who
    # withdrew leaves both the numerator and the denominator.
    sessions = (
        LiveSession.objects.filter(cohort=cohort, starts_at__lte=now)
        .annotate(attended=Count("attendance", filter=~Q(attendance__participant__status=ParticipantStatus.WITHDRAWN)))
        .order_by("starts_at", "pk")
    )
    rows = [
        SessionAttendance(session=session, attended=session.attended, present_participants=present)
        for session in sessions
    ]
    return rows, len(rows)


def _courses(cohort: Cohort, participants: list[Participant]) -> list[CourseCompletion]:
    courses = [
        item.course
        for item in CurriculumItem.objects.filter(cohort=cohort, course__isnull=False)
        .select_related("course")
        .order_by("position")
    ]
    present = [p for p in participants if p.status != ParticipantStatus.WITHDRAWN]
    institution_of_user = {p.user_id: p.institution for p in present}
    completed = (
        Enrollment.objects.filter(
            course__in=[course.pk for course in courses],
            user__in=list(institution_of_user),
            completed_at__isnull=False,
        )
        .values_list("course_id", "user_id")
        .order_by()
    )
    done: dict[tuple[int, int | None], int] = defaultdict(int)
    for course_id, user_id in completed:
        done[(course_id, institution_of_user[user_id].pk)] += 1
        done[(course_id, None)] += 1
    present_by_institution: dict[int, int] = defaultdict(int)
    institutions: dict[int, Institution] = {}
    for participant in present:
        present_by_institution[participant.institution_id] += 1
        institutions[participant.institution_id] = participant.institution
    rows = []
    for course in courses:
        rows.append(CourseCompletion(course, None, done[(course.pk, None)], len(present)))
        for institution_id, count in present_by_institution.items():
            rows.append(
                CourseCompletion(course, institutions[institution_id], done[(course.pk, institution_id)], count)
            )
    return rows


def _milestones(
    cohort: Cohort, today: date, institutions: dict[int, Institution]
) -> tuple[list[InstitutionMilestones], InstitutionMilestones]:
    counts = (
        Milestone.objects.filter(project__participant__cohort=cohort)
        .values("project__participant__institution_id")
        .annotate(
            completed=Count("pk", filter=Q(completed_on__isnull=False)),
            on_time=Count("pk", filter=Q(completed_on__isnull=False, completed_on__lte=F("due_date"))),
            overdue_open=Count("pk", filter=Q(completed_on__isnull=True, due_date__lt=today)),
        )
        .order_by()
    )
    total = InstitutionMilestones(institution=Institution(name="All institutions"))
    rows = []
    for row in counts:
        institution = institutions[row["project__participant__institution_id"]]
        rows.append(InstitutionMilestones(institution, row["completed"], row["on_time"], row["overdue_open"]))
        total.completed += row["completed"]
        total.on_time += row["on_time"]
        total.overdue_open += row["overdue_open"]
    rows.sort(key=lambda item: item.institution.name)
    return rows, total


def cohort_report(*, cohort: Cohort, now: datetime) -> CohortReport:
    participants = _participants(cohort, now)
    retention, retention_total = _retention(participants)
    present = retention_total.active + retention_total.completed
    sessions, held = _sessions(cohort, now, present)
    required = cohort.program.attendance_required_percent
    attendance = [
        ParticipantAttendance(participant=p, attended=p.sessions_attended, held=held, required_percent=required)
        for p in participants
    ]
    institutions = {p.institution_id: p.institution for p in participants}
    milestones, milestones_total = _milestones(cohort, timezone.localdate(now), institutions)
    return CohortReport(
        cohort=cohort,
        retention=retention,
        retention_total=retention_total,
        sessions=sessions,
        sessions_held=held,
        participants=attendance,
        courses=_courses(cohort, participants),
        milestones=milestones,
        milestones_total=milestones_total,
        institutions=sorted(institutions.values(), key=lambda institution: institution.name),
    )
