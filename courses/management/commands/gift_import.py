from django.core.management.base import BaseCommand, CommandError

from courses.importers.gift import GiftImportError
from courses.importers.gift_import import gift_import
from courses.management.commands.course_import import read_text_file
from courses.models import Course


class Command(BaseCommand):
    help = "Append the questions of a GIFT file to a course's post-test bank. A file with any error imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A GIFT question file (Moodle's text format).")
        parser.add_argument(
            "--course", required=True, metavar="SLUG", help="The course whose post-test gets the questions."
        )

    def handle(self, *args, file: str, course: str, **options):
        target = Course.objects.filter(slug=course).first()
        if target is None:
            raise CommandError(f"No course has the slug {course!r}.")
        try:
            imported = gift_import(course=target, text=read_text_file(file))
        except GiftImportError as exc:
            self.stderr.write(str(exc))
            self._warn(exc.warnings)
            raise CommandError(f"{file}: {len(exc.errors)} error(s) found; nothing was imported.") from exc
        self._warn(imported.warnings)
        self.stdout.write(f"Imported {len(imported.questions)} questions into {target.title}")

    def _warn(self, warnings) -> None:
        for warning in warnings:
            self.stderr.write(f"line {warning.line}: warning: {warning.message}")
