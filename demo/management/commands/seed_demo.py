from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from courses import services as course_services
from courses.importers.course_yaml import CourseImportError, course_import_yaml
from courses.models import Course
from demo import programs as demo_programs
from demo import services as demo_services
from library.services import demo_resource_ensure

DEMO_COURSES_DIR = Path(settings.BASE_DIR) / "courses" / "demo"
# The demo learner is midway through this course, so the "continue where you left off"
# path can be tried without clicking through two modules first.
DEMO_LEARNER_COURSE = "inclusive-clinical-teaching"
DEMO_LEARNER_MODULES_DONE = 2
# …and has finished this one and claimed its credit, so a certificate (and its Open Badges
# credential) is there from the first start; the worker renders it when `make run` starts.
DEMO_LEARNER_COMPLETED_COURSE = "leading-equity-projects"


class Command(BaseCommand):
    help = "Create the demo accounts and demo content (idempotent). Refuses to run with DEBUG off."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with published passwords; it never runs with DEBUG off.")
        accounts = demo_services.demo_accounts_ensure()
        self.stdout.write(
            f"Demo admin:   {demo_services.DEMO_ADMIN_EMAIL} / {demo_services.DEMO_ADMIN_PASSWORD}\n"
            f"Demo learner: {demo_services.DEMO_LEARNER_EMAIL} / {demo_services.DEMO_LEARNER_PASSWORD}"
        )
        self._load_demo_courses()
        self._put_learner_midway(accounts["learner"])
        completed = Course.objects.get(slug=DEMO_LEARNER_COMPLETED_COURSE)
        if completed.is_open():
            demo_services.demo_completion_ensure(learner=accounts["learner"], course=completed)
        self._load_demo_program(accounts["learner"])
        resource = demo_resource_ensure()
        self.stdout.write(f"Demo resource: {resource.title}")
        call_command("lti_demo_platform", stdout=self.stdout)

    def _load_demo_program(self, learner) -> None:
        people = demo_programs.program_accounts_ensure()
        self.stdout.write(
            f"Demo program director: {demo_programs.DEMO_DIRECTOR_EMAIL} / {demo_programs.DEMO_DIRECTOR_PASSWORD}\n"
            f"Demo facilitator:      {demo_programs.DEMO_FACILITATOR_EMAIL} / {demo_programs.DEMO_FACILITATOR_PASSWORD}\n"
            f"Demo mentor:           {demo_programs.DEMO_MENTOR_EMAIL} / {demo_programs.DEMO_MENTOR_PASSWORD}"
        )
        program = demo_programs.demo_program_ensure(learner=learner, **people)
        if program is not None:
            self.stdout.write(f"Loaded demo program: {program.title}")

    def _load_demo_courses(self) -> None:
        for path in sorted(DEMO_COURSES_DIR.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            # A course already here is left alone: it may have been edited, or have learners.
            if Course.objects.filter(slug=yaml.safe_load(text)["course"]["slug"]).exists():
                continue
            try:
                course = course_import_yaml(text=text)
            except CourseImportError as exc:
                raise CommandError(f"The demo course {path.name} does not import:\n{exc}") from exc
            self.stdout.write(f"Loaded demo course: {course.title}")

    def _put_learner_midway(self, learner) -> None:
        course = Course.objects.get(slug=DEMO_LEARNER_COURSE)
        if not course.is_open():
            self.stdout.write(f"{course.title} is not open today, so the demo learner is not enrolled in it.")
            return
        # Each of these services does nothing when its step is already done, so a second
        # run (or a learner who has moved further on) is left as it is.
        enrollment = course_services.enrollment_create(user=learner, course=course)
        course_services.disclosures_acknowledge(enrollment=enrollment)
        for module in course.modules.order_by("order")[:DEMO_LEARNER_MODULES_DONE]:
            course_services.module_complete(enrollment=enrollment, module=module)
