from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.importers.course_yaml import course_export_yaml
from courses.models import Course


class Command(BaseCommand):
    help = "Write a course as a YAML file (docs/course-format.md), to stdout or to -o FILE."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, *args, slug: str, output: str | None, **options):
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            raise CommandError(f"No course has the slug {slug!r}.")
        text = course_export_yaml(course=course)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {course.title} to {output}")
        else:
            self.stdout.write(text, ending="")
