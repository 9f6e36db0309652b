"""Checking a `docere-course/1` or `/2` document before anything is written: every problem, with its line.

The file is read with PyYAML's safe loader only; each value is checked against the
format (docs/course-format.md), so an author can fix a whole file in one pass. This module
holds the document as a whole (its format versions, its sections, duplicate keys, loading, and
whether an existing course may be replaced); the sections' own checks are in
course_yaml_course_checks and course_yaml_content_checks, built on course_yaml_checker.
"""

from datetime import date, datetime
from typing import Any

import yaml

from courses.importers.course_yaml_checker import (
    REQUIRED,
    Checker,
    CourseImportError,
    ImportProblem,
    Path,
    check_list,
    check_text,
    where,
)
from courses.importers.course_yaml_content_checks import check_evaluation_item, check_module, check_post_test
from courses.importers.course_yaml_course_checks import check_course, check_faculty
from courses.models import Course

FORMAT = "docere-course/1"
# Version 2 is version 1 plus an optional `title` on questions and `reported_to_pars` on the
# course. An export names version 1 whenever it needs neither, so such a file still opens in a
# Docere that reads only 1.
FORMAT_2 = "docere-course/2"
# Version 3 adds the course's MOC registrations (`moc_registrations`), named only by files
# of a course that has some.
FORMAT_3 = "docere-course/3"
READABLE_FORMATS = (FORMAT, FORMAT_2, FORMAT_3)


DOCUMENT = {
    "format": (check_text(), REQUIRED),
    "course": (check_course, REQUIRED),
    "faculty": (check_list(check_faculty), []),
    "modules": (check_list(check_module), []),
    "post_test": (check_post_test, None),
    "evaluation": (check_list(check_evaluation_item, nullable=True), None),
}


def report_duplicate_keys(c: Checker, node: yaml.Node, path: Path, seen: set[int]) -> None:
    # PyYAML keeps the last of two equal keys without a word; a typo would then hide content.
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        names = [key.value for key, _ in node.value]
        for index, (key, value) in enumerate(node.value):
            if key.value in names[:index]:
                c.problems.append(
                    ImportProblem(
                        key.start_mark.line + 1,
                        f"{where((*path, key.value))}: "
                        "this key appears twice; the second would silently replace the first",
                    )
                )
            report_duplicate_keys(c, value, (*path, key.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            report_duplicate_keys(c, item, (*path, index), seen)


class _SafeLoader(yaml.SafeLoader):
    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date | datetime:
        # 2026-02-30 has the shape of a date but is none: PyYAML raises a bare ValueError
        # without a line, so name the value and where it is.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value} is not a real date ({exc})", node.start_mark
            ) from exc


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


def load_document(text: str) -> tuple[yaml.Node, Any]:
    """The node tree (for line numbers) and the data, in one pass of the safe loader:
    what yaml.compose() and yaml.safe_load() would each do."""
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CourseImportError([ImportProblem(1, f"the file is empty; it starts with format: {FORMAT}")])
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = f"{exc.problem} ({exc.context})" if exc.context else exc.problem
        what = (
            "a value cannot be read"
            if isinstance(exc, yaml.constructor.ConstructorError)
            else "the file is not valid YAML"
        )
        raise CourseImportError([ImportProblem(mark.line + 1 if mark else None, f"{what}: {detail}")]) from exc
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if position is not None else None
        raise CourseImportError([ImportProblem(line, f"the file is not valid YAML: {exc}")]) from exc
    finally:
        loader.dispose()


def course_to_replace(c: Checker, slug: str, replace: bool) -> Course | None:
    """The existing course with this slug, after reporting why it may not be overwritten."""
    existing = Course.objects.filter(slug=slug).first()
    path = ("course", "slug")
    if existing is not None and not replace:
        c.problem(path, f"a course with slug {slug} already exists; import with replace to overwrite it")
    elif existing is not None and existing.enrollments.exists():
        # Learners' history (progress, attempts, certificates) must never be rewritten.
        c.problem(
            path,
            f"the course {slug} has enrolled learners, so it cannot be replaced; import it under a new slug instead",
        )
    return existing
