"""Reads for the program pages: the public list, the applicant's own applications, the
director's review queue and the roster."""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from programs.models import (
    Application,
    ApplicationStatus,
    Cohort,
    Institution,
    Participant,
    ParticipantStatus,
    Program,
)

# The order a director works through a cohort's applications: new ones first, then the
# waitlist in its own order, then those already decided.
REVIEW_ORDER = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.WITHDRAWN,
]


def current_cohort(cohorts: list[Cohort], today=None) -> Cohort | None:
    """The cohort running now or the next to start; failing that, the latest one."""
    today = today or timezone.localdate()
    running_or_ahead = [cohort for cohort in cohorts if cohort.end_date >= today]
    if running_or_ahead:
        return min(running_or_ahead, key=lambda cohort: cohort.start_date)
    return max(cohorts, key=lambda cohort: cohort.start_date, default=None)


def published_programs() -> list[Program]:
    """Published programs, each with `.cohort` set to its current or next cohort."""
    programs = list(
        Program.objects.filter(is_published=True).prefetch_related(
            Prefetch("cohorts", queryset=Cohort.objects.order_by("start_date"), to_attr="all_cohorts")
        )
    )
    for program in programs:
        program.cohort = current_cohort(program.all_cohorts)
    return programs


def published_program(*, slug: str) -> Program | None:
    program = (
        Program.objects.filter(slug=slug, is_published=True)
        .prefetch_related(
            Prefetch("cohorts", queryset=Cohort.objects.order_by("start_date"), to_attr="all_cohorts"),
            Prefetch("institutions", queryset=Institution.objects.order_by("name")),
        )
        .first()
    )
    if program is not None:
        program.cohort = current_cohort(program.all_cohorts)
    return program


def applications_of(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort__program", "institution")
        .order_by("-submitted_at")
    )


def cohorts_for_review() -> QuerySet[Cohort]:
    counts = {
        f"count_{status}": Count("applications", filter=Q(applications__status=status))
        for status in ApplicationStatus.values
    }
    return Cohort.objects.select_related("program").annotate(**counts).order_by("-year", "program__title")


@dataclass
class StatusGroup:
    status: str
    label: str
    applications: list[Application]


def review_queue(*, cohort: Cohort) -> list[StatusGroup]:
    applications = (
        Application.objects.filter(cohort=cohort)
        .select_related("applicant", "institution")
        .order_by("waitlisted_at", "submitted_at", "pk")
    )
    by_status: dict[str, list[Application]] = {status: [] for status in REVIEW_ORDER}
    for application in applications:
        by_status[application.status].append(application)
    labels = dict(ApplicationStatus.choices)
    return [StatusGroup(status, labels[status], by_status[status]) for status in REVIEW_ORDER]


def application_for_review(*, application_id: int) -> Application | None:
    return (
        Application.objects.select_related("cohort__program", "applicant", "institution", "decided_by")
        .filter(pk=application_id)
        .first()
    )


def waitlist_position(application: Application) -> int | None:
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    ahead = Application.objects.filter(
        Q(waitlisted_at__lt=application.waitlisted_at)
        | Q(waitlisted_at=application.waitlisted_at, pk__lt=application.pk),
        cohort_id=application.cohort_id,
        status=ApplicationStatus.WAITLISTED,
    ).count()
    return ahead + 1


@dataclass
class InstitutionGroup:
    institution: Institution
    participants: list[Participant]

    @property
    def count(self) -> int:
        return len(self.participants)


def roster(*, cohort: Cohort) -> tuple[list[InstitutionGroup], list[Participant]]:
    """Current participants grouped by institution, and those who withdrew."""
    participants = list(
        Participant.objects.filter(cohort=cohort)
        .select_related("user", "institution")
        .order_by("institution__name", "user__last_name", "user__first_name", "pk")
    )
    current = [p for p in participants if p.status != ParticipantStatus.WITHDRAWN]
    withdrawn = [p for p in participants if p.status == ParticipantStatus.WITHDRAWN]
    groups = [
        InstitutionGroup(institution=institution, participants=list(members))
        for institution, members in groupby(current, key=lambda p: p.institution)
    ]
    return groups, withdrawn
