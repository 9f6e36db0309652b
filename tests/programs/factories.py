"""Factories for programs, cohorts, their people and live sessions.

cohort = CohortFactory(capacity=2)            # applications open now, a program with 4 institutions
ParticipantFactory(cohort=cohort)             # an accepted resident
LiveSessionFactory(cohort=cohort, starts_in=timedelta(hours=-1))   # running now
director = DirectorFactory()                  # staff in "Program directors", TOTP enrolled
DirectorFactory(totp=False)                   # a director who has not enrolled a second factor
cohort_with_curriculum(sessions=5, courses=1)  # a course, then five past sessions
Projects, and a participant's progress towards completion: tests/projects/factories.py.
"""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone

from programs.models import (
    PROGRAM_DIRECTORS_GROUP,
    Application,
    Cohort,
    CurriculumItem,
    Institution,
    LiveSession,
    Participant,
    Program,
)
from tests.courses.factories import CourseFactory
from tests.factories import StaffFactory, UserFactory

# The smallest PDF a reader opens: one empty page.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class DirectorFactory(StaffFactory):
    email = factory.Sequence(lambda n: f"director{n}@example.org")
    first_name = "Dana"
    last_name = "Director"

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        # A post-generation hook, like StaffFactory's: a plain list here would be assigned to the
        # many-to-many field directly, which Django refuses.
        if create:
            names = extracted if extracted is not None else [PROGRAM_DIRECTORS_GROUP]
            user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in names))


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Riverbend School of Medicine {n}")
    short_name = factory.Sequence(lambda n: f"Riverbend {n}")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"resident-leadership-{n}")
    title = factory.Sequence(lambda n: f"Resident Leadership Program {n}")
    summary = "A year of leadership learning for residents from backgrounds underrepresented in medicine."
    description = "Monthly live sessions, self-paced courses, a mentor and a project at your institution."
    eligibility = "Residents in PGY-1 to PGY-4 at a participating institution."
    is_published = True

    @factory.post_generation
    def institutions(program, create, extracted, **kwargs):
        if create:
            program.institutions.add(*(extracted if extracted is not None else InstitutionFactory.create_batch(4)))


class CohortFactory(factory.django.DjangoModelFactory):
    """Applications open now; the cohort runs next year."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year + 1)
    start_date = factory.LazyAttribute(lambda c: timezone.localdate().replace(month=1, day=1, year=c.year))
    end_date = factory.LazyAttribute(lambda c: c.start_date.replace(month=12, day=31))
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    capacity = 12

    @factory.post_generation
    def facilitators(cohort, create, extracted, **kwargs):
        if create and extracted:
            cohort.facilitators.add(*extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    """An accepted participant. Takes a seat, as the acceptance service would."""

    class Meta:
        model = Participant

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    institution = factory.LazyAttribute(lambda p: p.cohort.program.institutions.order_by("pk").first())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        participant = super()._create(model_class, *args, **kwargs)
        Cohort.objects.filter(pk=participant.cohort_id).update(seats_taken=F("seats_taken") + 1)
        return participant


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    cohort = factory.SubFactory(CohortFactory)
    applicant = factory.SubFactory(UserFactory)
    institution = factory.LazyAttribute(lambda a: a.cohort.program.institutions.order_by("pk").first())
    residency_program = "Internal Medicine"
    training_year = 2
    statement = "I want to build a mentoring circle for first-generation residents at my hospital."
    support_letter = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="letter.pdf"))


class LiveSessionFactory(factory.django.DjangoModelFactory):
    """Starts `starts_in` from now (default: in a week) and lasts 90 minutes."""

    class Meta:
        model = LiveSession
        exclude = ("starts_in",)

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Leading change in academic medicine, part {n}")
    starts_in = timedelta(days=7)
    starts_at = factory.LazyAttribute(lambda s: timezone.now() + s.starts_in)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(minutes=90))
    time_zone = "America/Chicago"
    location = "Health Sciences Library, room 204"
    agenda = "Welcome; panel; small-group work."


class CurriculumItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CurriculumItem

    cohort = factory.SubFactory(CohortFactory)
    position = factory.Sequence(lambda n: n + 1)


def cohort_with_curriculum(*, sessions: int = 5, courses: int = 1, **cohort_fields) -> Cohort:
    """A cohort whose curriculum is `courses` courses then `sessions` past live sessions."""
    cohort = CohortFactory(**cohort_fields)
    position = 0
    for _ in range(courses):
        position += 1
        CurriculumItemFactory(cohort=cohort, position=position, course=CourseFactory(modules=1, bank=1))
    for number in range(sessions):
        position += 1
        session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=-30 + number))
        CurriculumItemFactory(cohort=cohort, position=position, live_session=session)
    return cohort
