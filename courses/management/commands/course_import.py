from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.importers.course_yaml import CourseImportError, course_import_yaml


def read_text_file(path: str) -> str:
    """A UTF-8 text file (a byte-order mark from a Windows editor is dropped), or a CommandError."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc


class Command(BaseCommand):
    help = "Import a course from a YAML file (docs/course-format.md). A file with any problem imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The course file, format docere-course/1 or docere-course/2.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite the course with the same slug (refused once learners have enrolled in it).",
        )

    def handle(self, *args, file: str, replace: bool, **options):
        try:
            course = course_import_yaml(text=read_text_file(file), replace=replace)
        except CourseImportError as exc:
            self.stderr.write(str(exc))
            raise CommandError(f"{file}: {len(exc.problems)} problem(s) found; nothing was imported.") from exc
        self.stdout.write(
            f"Imported {course.title} ({course.slug}): {course.modules.count()} modules, "
            f"status {course.get_status_display().lower()}."
        )
