"""Reads for the project pages. Whoever is outside a project's circle (its participant, the
cohort's facilitators, program directors) gets DoesNotExist, which the views turn into 404."""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from programs.access import can_run_cohort, is_program_director
from programs.models import Cohort, Participant, ParticipantStatus
from projects.models import Project, ProjectStatus


def _with_people(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("participant__user", "participant__cohort__program", "institution")


def project_for_participant(*, user, project_id: int) -> Project:
    """The signed-in participant's own project; DoesNotExist for anyone else's."""
    return _with_people(Project.objects.filter(pk=project_id, participant__user=user)).get()


def project_for_viewer(*, user, project_id: int) -> tuple[Project, bool]:
    """The project and whether `user` runs its cohort (facilitator or director); DoesNotExist
    when they are neither its participant nor one of those."""
    project = _with_people(Project.objects.filter(pk=project_id)).get()
    if project.participant.user_id == user.pk:
        return project, False
    if can_run_cohort(user, project.participant.cohort):
        return project, True
    raise Project.DoesNotExist


def project_page(*, project: Project) -> dict:
    """Milestones and feedback for the project page, in two queries."""
    milestones = list(project.milestones.all())
    feedback = list(project.feedback.select_related("author"))
    today = timezone.localdate()
    for milestone in milestones:
        milestone.is_overdue = milestone.completed_on is None and milestone.due_date < today
    return {"milestones": milestones, "feedback": feedback}


def participation_for_new_project(*, user, cohort_id: int) -> Participant:
    """The user's active participation in the cohort; DoesNotExist otherwise."""
    return (
        Participant.objects.filter(cohort_id=cohort_id, user=user, status=ParticipantStatus.ACTIVE)
        .select_related("cohort__program", "institution")
        .get()
    )


def cohort_for_runner(*, user, cohort_id: int) -> Cohort:
    cohort = Cohort.objects.select_related("program").get(pk=cohort_id)
    if not can_run_cohort(user, cohort):
        raise Cohort.DoesNotExist
    return cohort


def cohort_projects(*, cohort: Cohort) -> list[Project]:
    """Every project of the cohort by institution, with milestone counts: done on time, done
    late, overdue (past due and not done) and still to come."""
    today = timezone.localdate()

    projects = (
        _with_people(Project.objects.filter(participant__cohort=cohort))
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_on_time=Count(
                "milestones", filter=Q(milestones__completed_on__lte=F("milestones__due_date")), distinct=True
            ),
            milestones_late=Count(
                "milestones", filter=Q(milestones__completed_on__gt=F("milestones__due_date")), distinct=True
            ),
            milestones_overdue=Count(
                "milestones",
                filter=Q(milestones__completed_on__isnull=True, milestones__due_date__lt=today),
                distinct=True,
            ),
            feedback_count=Count("feedback", distinct=True),
        )
        .order_by("institution__name", "status", "participant__user__last_name", "title")
    )
    return list(projects)


def cohort_participants_without_project(*, cohort: Cohort) -> list[Participant]:
    return list(
        Participant.objects.filter(cohort=cohort, status=ParticipantStatus.ACTIVE, project__isnull=True)
        .select_related("user", "institution")
        .order_by("institution__name", "user__last_name")
    )


def showcase_projects() -> QuerySet:
    """Completed projects their participants chose to show: only what the showcase prints."""
    return (
        Project.objects.filter(is_showcased=True, status=ProjectStatus.COMPLETED)
        .select_related("institution", "participant__user", "participant__cohort__program")
        .only(
            "title",
            "showcase_summary",
            "completed_at",
            "institution__name",
            "participant__user__first_name",
            "participant__user__last_name",
            "participant__cohort__year",
            "participant__cohort__program__title",
        )
        .order_by("-participant__cohort__year", "title")
    )


def projects_home(*, user) -> dict:
    """The signed-in person's own projects (one per cohort they take part in, or the invitation
    to propose it) and the cohorts whose projects they review."""
    participations = list(
        Participant.objects.filter(user=user)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .select_related("cohort__program", "project")
        .order_by("-cohort__year")
    )
    reviewed = Cohort.objects.all() if is_program_director(user) else user.facilitated_cohorts.all()
    return {
        "participations": participations,
        "reviewed_cohorts": list(reviewed.select_related("program").order_by("-year", "program__title")),
    }
