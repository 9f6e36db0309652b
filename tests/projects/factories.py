"""Factories for projects, on top of tests/programs/factories.py.

ProjectFactory()                               # proposed, by an active participant
ProjectFactory(submitted=True)                 # its final report uploaded (needs private_media)
ProjectFactory(completed=True)                 # its final report accepted
MilestoneFactory(project=project, due_in=timedelta(days=-3))
participant_progress(participant, sessions_attended=4, project="proposed")   # towards completion
"""

from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from programs.models import Attendance, AttendanceMethod, Participant
from projects.models import Milestone, Project, ProjectFeedback, ProjectStatus
from tests.courses.factories import EnrollmentFactory
from tests.programs.factories import MINIMAL_PDF, ParticipantFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    class Params:
        submitted = factory.Trait(
            status=ProjectStatus.REPORT_SUBMITTED,
            final_report=factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="report.pdf")),
            final_report_submitted_at=factory.LazyFunction(timezone.now),
        )
        completed = factory.Trait(
            status=ProjectStatus.COMPLETED,
            final_report=factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="report.pdf")),
            final_report_submitted_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=7)),
            completed_at=factory.LazyFunction(timezone.now),
        )

    participant = factory.SubFactory(ParticipantFactory)
    title = factory.Sequence(lambda n: f"Peer mentoring circle for first-generation residents {n}")
    aim = "Pair every first-generation intern with a senior resident within their first month."
    institution = factory.LazyAttribute(lambda p: p.participant.institution)
    team = "Dr Lena Ortiz, program director\nSam Reyes, PGY-3"


class MilestoneFactory(factory.django.DjangoModelFactory):
    """Due `due_in` from today (default: in two weeks)."""

    class Meta:
        model = Milestone
        exclude = ("due_in",)

    project = factory.SubFactory(ProjectFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Survey the interns, round {n}")
    due_in = timedelta(days=14)
    due_date = factory.LazyAttribute(lambda m: timezone.localdate() + m.due_in)


class ProjectFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectFeedback

    project = factory.SubFactory(ProjectFactory)
    author = factory.LazyAttribute(lambda f: f.project.participant.cohort.facilitators.first())
    body = "A clear aim. Who will you ask first?"


def participant_progress(
    participant: Participant,
    *,
    courses_done: bool = True,
    sessions_attended: int | None = None,
    project: str = "completed",
) -> Participant:
    """Record a participant's progress: completed course enrollments, attendance at the first
    `sessions_attended` sessions (all by default), and a project ("completed", "proposed" or "none")."""
    cohort = participant.cohort
    if courses_done:
        for item in cohort.curriculum.filter(course__isnull=False):
            now = timezone.now()
            EnrollmentFactory(
                user=participant.user,
                course=item.course,
                post_test_passed_at=now,
                evaluation_submitted_at=now,
                completed_at=now,
            )
    sessions = list(cohort.live_sessions.order_by("starts_at"))
    for session in sessions[: len(sessions) if sessions_attended is None else sessions_attended]:
        Attendance.objects.create(session=session, participant=participant, method=AttendanceMethod.ROSTER)
    if project != "none":
        ProjectFactory(participant=participant, completed=project == "completed")
    return participant
