"""Reads for the mentoring pages. Who may see a pairing is decided here, once: its mentor,
its participant and program directors; for everyone else it does not exist."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import DateField, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from mentoring.models import MentoringMeeting, MentorPairing
from programs.access import is_program_director
from programs.models import Cohort, Participant, ParticipantStatus

DEFAULT_NOT_MET_WEEKS = 4


def _with_last_meeting(pairings: QuerySet) -> QuerySet:
    return pairings.annotate(last_met_on=Max("meetings__met_on"))


def pairings_visible_to(*, user) -> QuerySet:
    pairings = MentorPairing.objects.select_related("mentor", "participant__user", "participant__cohort__program")
    if is_program_director(user):
        return pairings
    if not user.is_authenticated:
        return pairings.none()
    return pairings.filter(Q(mentor=user) | Q(participant__user=user))


def meetings_of(*, pairing: MentorPairing) -> QuerySet:
    return MentoringMeeting.objects.filter(pairing=pairing).select_related("logged_by").order_by("-met_on", "-pk")


@dataclass(frozen=True)
class UserPairings:
    as_mentor: list[MentorPairing]
    as_participant: list[MentorPairing]

    @property
    def is_empty(self) -> bool:
        return not (self.as_mentor or self.as_participant)


def pairings_of_user(*, user) -> UserPairings:
    """Current pairings first, then ended ones, newest first within each."""
    pairings = _with_last_meeting(
        MentorPairing.objects.filter(Q(mentor=user) | Q(participant__user=user)).select_related(
            "mentor", "participant__user", "participant__cohort__program"
        )
    ).order_by("-ended_at", "-paired_at")
    pairings = sorted(pairings, key=lambda pairing: not pairing.is_current)
    return UserPairings(
        as_mentor=[pairing for pairing in pairings if pairing.mentor_id == user.pk],
        as_participant=[pairing for pairing in pairings if pairing.participant.user_id == user.pk],
    )


def user_has_pairings(*, user) -> bool:
    """For the navigation: show "Mentoring" to anyone on either side of a pairing."""
    if not user.is_authenticated:
        return False
    return MentorPairing.objects.filter(Q(mentor=user) | Q(participant__user=user)).exists()


def cohort_active_participants(*, cohort: Cohort) -> QuerySet:
    return (
        Participant.objects.filter(cohort=cohort, status=ParticipantStatus.ACTIVE)
        .select_related("user", "institution")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def cohort_mentoring_roster(*, cohort: Cohort) -> list[Participant]:
    """Active participants, each with `current_pairings` (mentor and last meeting of each) and
    `last_met_on`, the last meeting logged with any of their mentors."""
    current = _with_last_meeting(MentorPairing.objects.filter(ended_at__isnull=True).select_related("mentor"))
    return list(
        cohort_active_participants(cohort=cohort)
        .annotate(last_met_on=Max("mentor_pairings__meetings__met_on"))
        .prefetch_related(Prefetch("mentor_pairings", queryset=current, to_attr="current_pairings"))
    )


def pairings_not_met_since(*, cohort: Cohort, weeks: int, today: date | None = None) -> list[MentorPairing]:
    """Current pairings of the cohort's active participants whose last meeting — or, before
    any, the pairing itself — is more than `weeks` weeks old; longest silence first. Each has
    `last_contact` (a date) and `days_since`."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(weeks=weeks)
    pairings = (
        MentorPairing.objects.filter(
            ended_at__isnull=True, participant__cohort=cohort, participant__status=ParticipantStatus.ACTIVE
        )
        .select_related("mentor", "participant__user")
        .annotate(
            last_met_on=Max("meetings__met_on"),
            last_contact=Coalesce(
                Max("meetings__met_on"),
                TruncDate("paired_at", tzinfo=timezone.get_current_timezone()),
                output_field=DateField(),
            ),
        )
        .filter(last_contact__lt=cutoff)
        .order_by("last_contact", "pk")
    )
    pairings = list(pairings)
    for pairing in pairings:
        pairing.days_since = (today - pairing.last_contact).days
    return pairings
