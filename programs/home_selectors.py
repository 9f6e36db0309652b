"""What a person's way into their programs shows: the cohorts they take part in, run or
direct, and for one cohort the sessions and steps their role works with."""

from dataclasses import dataclass, field

from django.utils import timezone

from programs.access import can_run_cohort, current_participation, is_program_director
from programs.live_selectors import session_when
from programs.models import Cohort, LiveSession, Participant, ParticipantStatus


@dataclass
class ProgramsOf:
    participations: list[Participant] = field(default_factory=list)
    facilitated: list[Cohort] = field(default_factory=list)
    is_director: bool = False
    # Directors run every cohort: each one's home is where their pages start.
    directed: list[Cohort] = field(default_factory=list)
    is_mentor: bool = False

    @property
    def has_any(self) -> bool:
        return bool(self.participations or self.facilitated or self.is_director or self.is_mentor)


def programs_of(*, user) -> ProgramsOf:
    """A fixed number of queries whatever the number of cohorts."""
    if not user.is_authenticated:
        return ProgramsOf()
    is_director = is_program_director(user)
    return ProgramsOf(
        participations=list(
            Participant.objects.filter(user=user)
            .exclude(status=ParticipantStatus.WITHDRAWN)
            .select_related("cohort__program", "institution")
            .order_by("-cohort__year")
        ),
        facilitated=list(user.facilitated_cohorts.select_related("program").order_by("-year")),
        is_director=is_director,
        directed=list(Cohort.objects.select_related("program").order_by("program__title", "-year"))
        if is_director
        else [],
        # Mentors may have no other role: the mentoring app's pairings name them (related name).
        is_mentor=user.mentees.filter(ended_at__isnull=True).exists(),
    )


@dataclass
class SessionLine:
    session: LiveSession
    when: str
    is_past: bool
    check_in_is_open: bool


@dataclass
class CohortHome:
    cohort: Cohort
    participant: Participant | None
    runs_cohort: bool
    is_director: bool
    sessions: list[SessionLine]

    @property
    def next_session(self) -> SessionLine | None:
        return next((line for line in self.sessions if not line.is_past), None)


def cohort_home(*, cohort: Cohort, user) -> CohortHome | None:
    """None for someone with no role in the cohort: its page does not exist for them."""
    participant = current_participation(user, cohort)
    runs_cohort = can_run_cohort(user, cohort)
    if participant is None and not runs_cohort:
        return None
    now = timezone.now()
    sessions = [
        SessionLine(
            session=session,
            when=session_when(session),
            is_past=session.ends_at < now,
            check_in_is_open=session.check_in_is_open(now),
        )
        for session in LiveSession.objects.filter(cohort=cohort).order_by("starts_at")
    ]
    return CohortHome(
        cohort=cohort,
        participant=participant,
        runs_cohort=runs_cohort,
        is_director=is_program_director(user),
        sessions=sessions,
    )
