"""What a participant has done towards completing their program, and what is missing.

A program is complete when:
- every course in the cohort's curriculum is complete (the participant's enrollment has
  `completed_at`);
- the participant attended at least `program.attendance_required_percent` of the cohort's
  live sessions. A live session in the curriculum is not a must-attend item of its own:
  it counts through this share, so the program's percentage is what decides (a participant
  may miss one session in five at 80 %). The checklist still shows each session attended
  or not;
- their project is completed (the facilitator accepted the final report).

The cohort-wide reading is a fixed number of queries whatever the cohort's size; the
single participant's reading is the same code for one row."""

from collections import defaultdict
from dataclasses import dataclass, field

from courses.models import Enrollment
from programs.models import Attendance, Cohort, CurriculumItem, LiveSession, Participant, ParticipantStatus
from projects.models import ProjectStatus


@dataclass(frozen=True)
class CurriculumStep:
    position: int
    title: str
    is_live_session: bool
    is_done: bool

    @property
    def kind_label(self) -> str:
        return "Live session" if self.is_live_session else "Course"


@dataclass(frozen=True)
class CompletionStatus:
    participant: Participant
    steps: list[CurriculumStep]
    sessions_total: int
    sessions_attended: int
    attendance_required_percent: int
    project_title: str | None
    is_project_complete: bool
    missing: list[str] = field(default_factory=list)

    @property
    def attendance_percent(self) -> int:
        if self.sessions_total == 0:
            return 100
        return self.sessions_attended * 100 // self.sessions_total

    @property
    def is_attendance_met(self) -> bool:
        # In whole numbers, so 4 of 5 sessions is exactly 80 % with no rounding in between.
        return self.sessions_attended * 100 >= self.attendance_required_percent * self.sessions_total

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def has_certificate(self) -> bool:
        return self.participant.certificate_id is not None


def _missing(
    steps: list[CurriculumStep], *, attendance_met: bool, attended: int, total: int, required: int, project
) -> list[str]:
    missing = [f"Complete the course “{step.title}”" for step in steps if not step.is_live_session and not step.is_done]
    if not attendance_met:
        missing.append(f"Attend at least {required}% of the live sessions (attended {attended} of {total})")
    if project is None:
        missing.append("Propose your project")
    elif project.status != ProjectStatus.COMPLETED:
        missing.append(f"Have the final report of “{project.title}” accepted")
    return missing


def _project_of(participant: Participant):
    # The reverse one-to-one raises when there is no project; select_related has filled it.
    try:
        return participant.project
    except Participant.project.RelatedObjectDoesNotExist:
        return None


def _statuses(cohort: Cohort, participants: list[Participant]) -> list[CompletionStatus]:
    program = cohort.program
    items = list(CurriculumItem.objects.filter(cohort=cohort).select_related("course", "live_session"))
    session_ids = list(LiveSession.objects.filter(cohort=cohort).values_list("pk", flat=True))
    attended: dict[int, set[int]] = defaultdict(set)
    for participant_id, session_id in Attendance.objects.filter(
        participant__in=participants, session__cohort=cohort
    ).values_list("participant_id", "session_id"):
        attended[participant_id].add(session_id)
    course_ids = [item.course_id for item in items if item.course_id]
    completed: set[tuple[int, int]] = set(
        Enrollment.objects.filter(
            user__in=[p.user_id for p in participants], course_id__in=course_ids, completed_at__isnull=False
        ).values_list("user_id", "course_id")
    )
    statuses = []
    for participant in participants:
        steps = [
            CurriculumStep(
                position=item.position,
                title=str(item.course.title if item.course_id else item.live_session.title),
                is_live_session=item.live_session_id is not None,
                is_done=(
                    item.live_session_id in attended[participant.pk]
                    if item.live_session_id
                    else (participant.user_id, item.course_id) in completed
                ),
            )
            for item in items
        ]
        sessions_attended = len(attended[participant.pk])
        required = program.attendance_required_percent
        attendance_met = sessions_attended * 100 >= required * len(session_ids)
        project = _project_of(participant)
        statuses.append(
            CompletionStatus(
                participant=participant,
                steps=steps,
                sessions_total=len(session_ids),
                sessions_attended=sessions_attended,
                attendance_required_percent=required,
                project_title=project.title if project else None,
                is_project_complete=project is not None and project.status == ProjectStatus.COMPLETED,
                missing=_missing(
                    steps,
                    attendance_met=attendance_met,
                    attended=sessions_attended,
                    total=len(session_ids),
                    required=required,
                    project=project,
                ),
            )
        )
    return statuses


def _participants() -> "list[Participant]":
    return Participant.objects.select_related("cohort__program", "user", "institution", "project", "certificate")


def program_completion_status(participant: Participant) -> CompletionStatus:
    """The participant's checklist: curriculum items, attendance share and project."""
    participant = _participants().get(pk=participant.pk)
    return _statuses(participant.cohort, [participant])[0]


def cohort_completion_statuses(*, cohort: Cohort) -> list[CompletionStatus]:
    """Every participant of the cohort who has not withdrawn, with what each is missing."""
    participants = list(_participants().filter(cohort=cohort).exclude(status=ParticipantStatus.WITHDRAWN))
    return _statuses(cohort, participants)
