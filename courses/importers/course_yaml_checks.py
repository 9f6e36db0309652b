"""Checking a `docere-course/1` or `/2` document before anything is written: every problem, with its line.

The file is read with PyYAML's safe loader only; each value is checked against the
format (docs/course-format.md), so an author can fix a whole file in one pass.
"""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from difflib import get_close_matches
from typing import Any

import yaml
from django.core.validators import slug_re
from django.utils.text import slugify

from courses.credits import CREDIT_STEP, is_on_credit_step
from courses.importers.gift import TITLE_MAX_LENGTH, ParsedOption, ParsedQuestion
from courses.models import (
    ActivityFormat,
    Course,
    CourseStatus,
    EvaluationKind,
    Faculty,
    FacultyRole,
    GradingMethod,
    LateSubmissionPolicy,
    MocBoard,
    MocCreditType,
    Module,
    QuestionType,
    Quiz,
    ReviewPolicy,
)

FORMAT = "docere-course/1"
# Version 2 is version 1 plus an optional `title` on questions and `reported_to_pars` on the
# course. An export names version 1 whenever it needs neither, so such a file still opens in a
# Docere that reads only 1.
FORMAT_2 = "docere-course/2"
# Version 3 adds the course's MOC registrations (`moc_registrations`), named only by files
# of a course that has some.
FORMAT_3 = "docere-course/3"
READABLE_FORMATS = (FORMAT, FORMAT_2, FORMAT_3)
MAX_INTEGER = 2_147_483_647  # the largest value a PositiveIntegerField column holds
WEIGHT_TOLERANCE = Decimal("0.05")  # the same slack as courses.selectors.question_problems


@dataclass(frozen=True)
class ImportProblem:
    line: int | None
    message: str


class CourseImportError(Exception):
    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"line {p.line}: {p.message}" if p.line else p.message for p in self.problems)


# --- Reading ------------------------------------------------------------------------------
Path = tuple[str | int, ...]
Check = Callable[["Checker", Any, Path], Any]
_REQUIRED = object()


def _where(path: Path) -> str:
    """("modules", 1, "title") -> "modules[2].title": authors count from 1."""
    text = ""
    for step in path:
        text += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "empty (null)"
    for types, name in ((bool, "true/false"), ((int, float), "a number"), (date, "a date"), (str, "text"),
                        (list, "a list"), (dict, "a mapping")):
        if isinstance(value, types):
            return name
    return type(value).__name__


class Checker:
    """Walks the loaded document beside its node tree, collecting problems with their lines."""

    def __init__(self, root: yaml.Node):
        self.root = root
        self.problems: list[ImportProblem] = []

    def line(self, path: Path) -> int:
        node, line = self.root, self.root.start_mark.line + 1
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pairs = [(key, value) for key, value in node.value if key.value == str(step)]
                if not pairs:
                    break
                key, node = pairs[-1]  # the loader keeps the last of duplicate keys too
                line = key.start_mark.line + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                break
        return line

    def problem(self, path: Path, message: str) -> None:
        self.problems.append(ImportProblem(self.line(path), f"{_where(path) or 'the file'}: {message}"))

    def mapping(self, value: Any, path: Path, keys: dict[str, tuple[Check, Any]]) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping with the keys {', '.join(keys)}, not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                close = get_close_matches(str(key), keys, n=1)
                hint = f"did you mean {close[0]}?" if close else f"the keys here are {', '.join(keys)}"
                self.problem((*path, str(key)), f"unknown key; {hint}")
        clean = {}
        for name, (check, default) in keys.items():
            if name in value:
                clean[name] = check(self, value[name], (*path, name))
            elif default is _REQUIRED:
                self.problem(path, f"the required key '{name}' is missing")
                clean[name] = None
            else:
                clean[name] = copy.copy(default)  # a default [] must not be shared between imports
        return clean


def _scalar_problem(c: Checker, path: Path, wanted: str, value: Any) -> None:
    hint = " (put it in quotes)" if wanted == "text" and isinstance(value, (bool, int, float, date)) else ""
    c.problem(path, f"must be {wanted}, not {_kind(value)}{hint}")


def _text(*, max_length: int = 0, blank: bool = False, nullable: bool = False) -> Check:
    def check(c: Checker, value: Any, path: Path) -> str:
        if value is None and nullable:
            return ""
        if not isinstance(value, str):
            _scalar_problem(c, path, "text", value)
            return ""
        if not blank and not value.strip():
            c.problem(path, "must not be empty")
        elif max_length and len(value) > max_length:
            c.problem(path, f"is {len(value)} characters long; at most {max_length} fit")
        return value
    return check


def _slug(*, max_length: int, nullable: bool = False) -> Check:
    def check(c: Checker, value: Any, path: Path) -> str:
        text = _text(max_length=max_length, nullable=nullable)(c, value, path)
        if text and not slug_re.match(text):
            c.problem(path, f"'{text}' may use only letters, digits, hyphens and underscores")
        return text
    return check


def _integer(*, minimum: int, maximum: int = MAX_INTEGER, nullable: bool = False) -> Check:
    def check(c: Checker, value: Any, path: Path) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            _scalar_problem(c, path, "a whole number" + (" or null" if nullable else ""), value)
            return None
        if not minimum <= value <= maximum:
            c.problem(path, f"is {value}; it must be between {minimum} and {maximum}")
        return value
    return check


def _boolean(c: Checker, value: Any, path: Path) -> bool:
    if not isinstance(value, bool):
        _scalar_problem(c, path, "true or false", value)
        return False
    return value


def _choice(choices: type) -> Check:
    def check(c: Checker, value: Any, path: Path) -> str | None:
        if value not in choices.values:
            c.problem(path, f"'{value}' is not one of: {' | '.join(choices.values)}")
            return None
        return value
    return check


def _date(c: Checker, value: Any, path: Path) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    c.problem(path, f"must be a date written as YYYY-MM-DD, not {_kind(value)}")
    return None


def _decimal(c: Checker, value: Any, path: Path, example: str) -> Decimal | None:
    try:
        number = None if isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        c.problem(path, f"must be a number such as {example}, not {_kind(value)}")
        return None
    return number


def _credits(c: Checker, value: Any, path: Path) -> Decimal | None:
    credits = _decimal(c, value, path, '"1.75"')
    if credits is not None and not (0 < credits <= 100 and is_on_credit_step(credits)):
        c.problem(path, f"is {credits}; credits are more than 0, at most 100, in steps of {CREDIT_STEP} (e.g. \"1.75\")")
    return credits


def _weight(c: Checker, value: Any, path: Path) -> Decimal | None:
    weight = _decimal(c, value, path, "50 or -33.33")
    if weight is not None and not (-100 <= weight <= 100 and weight.as_tuple().exponent >= -2):
        c.problem(path, f"is {weight}; a weight is a percent from -100 to 100 with at most two decimals")
    return weight


def _list(item: Check, *, min_items: int = 0, nullable: bool = False, too_few: str = "") -> Check:
    def check(c: Checker, value: Any, path: Path) -> list | None:
        if value is None and nullable:
            return None
        if not isinstance(value, list):
            c.problem(path, f"must be a list (lines starting with '- '), not {_kind(value)}")
            return []
        if len(value) < min_items:
            c.problem(path, too_few or f"needs at least {min_items} entr{'y' if min_items == 1 else 'ies'}")
        return [item(c, entry, (*path, index)) for index, entry in enumerate(value)]
    return check


def _default(model: type, field: str) -> Any:
    return model._meta.get_field(field).default


def _option(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "text": (_text(), _REQUIRED), "correct": (_boolean, None), "weight": (_weight, None),
        "feedback": (_text(blank=True), ""),
    })


def _question(c: Checker, value: Any, path: Path) -> ParsedQuestion | None:
    question = c.mapping(value, path, {
        "title": (_text(max_length=TITLE_MAX_LENGTH, blank=True), ""),
        "type": (_choice(QuestionType), _REQUIRED), "stem": (_text(), _REQUIRED),
        "explanation": (_text(blank=True), ""), "options": (_list(_option), _REQUIRED),
    })
    if question is None or question["type"] is None or question["options"] is None:
        return None
    kind, options = question["type"], question["options"]
    if len(options) < 2:
        c.problem(path, f"a question needs at least two options (found {len(options)})")
    good = [(index, option) for index, option in enumerate(options) if option is not None]
    if kind == QuestionType.MULTIPLE:
        for index, option in good:
            if option["correct"] is not None:
                c.problem((*path, "options", index, "correct"),
                          "a multiple-answer question gives every option a weight instead of correct")
            if option["weight"] is None and "weight" not in value["options"][index]:
                c.problem((*path, "options", index), "needs a weight (a percent, may be negative)")
        weights = [option["weight"] for _, option in good]
        if None not in weights:
            positive = sum((weight for weight in weights if weight > 0), Decimal(0))
            if abs(positive - 100) > WEIGHT_TOLERANCE:
                c.problem(path, f"the positive weights sum to {positive.normalize():f}; they must sum to 100")
    else:
        label = "single-answer" if kind == QuestionType.SINGLE else "true/false"
        for index, option in good:
            if option["weight"] is not None:
                c.problem((*path, "options", index, "weight"),
                          f"a {label} question marks its right option with correct: true instead of a weight")
        correct = sum(1 for _, option in good if option["correct"])
        if correct != 1:
            c.problem(path, f"a {label} question needs exactly one correct option (found {correct})")
    texts = [option["text"] for _, option in good]
    if kind == QuestionType.TRUE_FALSE and all(texts) and sorted(texts) != ["False", "True"]:
        c.problem(path, 'a true/false question has exactly two options, "True" and "False"')
    parsed = tuple(
        ParsedOption(option["text"], option["weight"] if kind == QuestionType.MULTIPLE
                     else Decimal(100 if option["correct"] else 0), option["feedback"])
        for _, option in good
    )
    return ParsedQuestion(line=c.line(path), title=question["title"], category="", type=kind, stem=question["stem"],
                          explanation=question["explanation"], options=parsed)


def _disclosure(c: Checker, value: Any, path: Path) -> dict | None:
    disclosure = c.mapping(value, path, {
        "no_relevant_relationships": (_boolean, False), "ineligible_company": (_text(max_length=200, blank=True), ""),
        "relationship": (_text(max_length=200, blank=True), ""), "mitigated": (_boolean, False),
    })
    if disclosure is None:
        return None
    nothing, company = disclosure["no_relevant_relationships"], disclosure["ineligible_company"].strip()
    if nothing and company:
        c.problem(path, "give either no_relevant_relationships: true or an ineligible_company, not both")
    elif not nothing and not company:
        c.problem(path, "needs either no_relevant_relationships: true or the ineligible_company of the relationship")
    elif nothing and (disclosure["relationship"] or disclosure["mitigated"]):
        c.problem(path, "relationship and mitigated describe a relationship with an ineligible company; "
                        "remove them when there is nothing to disclose")
    return disclosure


def _faculty(c: Checker, value: Any, path: Path) -> dict | None:
    # ACCME Standard 3: everyone in control of content discloses, even "nothing to disclose".
    return c.mapping(value, path, {
        "name": (_text(max_length=200), _REQUIRED), "degrees": (_text(max_length=100, blank=True), ""),
        "role": (_choice(FacultyRole), _default(Faculty, "role")),
        "disclosures": (_list(_disclosure, min_items=1, too_few="needs at least one disclosure; write "
                                                                  "- no_relevant_relationships: true if there is "
                                                                  "nothing to disclose"), _REQUIRED),
    })


def _knowledge_check(c: Checker, value: Any, path: Path) -> dict | None:
    return None if value is None else c.mapping(value, path, {"questions": (_list(_question), _REQUIRED)})


def _module(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "title": (_text(max_length=200), _REQUIRED),
        "estimated_minutes": (_integer(minimum=0), _default(Module, "estimated_minutes")),
        "body": (_text(), _REQUIRED), "knowledge_check": (_knowledge_check, None),
    })


def _post_test(c: Checker, value: Any, path: Path) -> dict | None:
    if value is None:
        return None
    post_test = c.mapping(value, path, {
        "draw_count": (_integer(minimum=1, nullable=True), None),
        "shuffle_questions": (_boolean, True), "shuffle_options": (_boolean, True),
        "max_attempts": (_integer(minimum=0), 0),
        "grading_method": (_choice(GradingMethod), _default(Quiz, "grading_method")),
        "time_limit_minutes": (_integer(minimum=1, nullable=True), None),
        "late_submission_policy": (_choice(LateSubmissionPolicy), _default(Quiz, "late_submission_policy")),
        "review_policy": (_choice(ReviewPolicy), _default(Quiz, "review_policy")),
        "questions": (_list(_question), _REQUIRED),
    })
    if post_test and post_test["draw_count"] and post_test["questions"] is not None:
        if post_test["draw_count"] > len(post_test["questions"]):
            c.problem((*path, "draw_count"), f"the post-test draws {post_test['draw_count']} questions "
                                             f"but the bank has only {len(post_test['questions'])}")
    return post_test


def _evaluation_item(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "kind": (_choice(EvaluationKind), _REQUIRED), "prompt": (_text(max_length=300), _REQUIRED),
        "code": (_slug(max_length=60, nullable=True), ""), "required": (_boolean, True),
    })


def _moc_registration(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "board": (_choice(MocBoard), _REQUIRED), "credit_type": (_choice(MocCreditType), _REQUIRED),
        "points": (_credits, _REQUIRED),
    })


def _topic(c: Checker, value: Any, path: Path) -> str:
    name = _text(max_length=80)(c, value, path)
    if name and not slugify(name):
        c.problem(path, f"'{name}' needs at least one letter or digit")
    return name


def _course(c: Checker, value: Any, path: Path) -> dict | None:
    course = c.mapping(value, path, {
        "slug": (_slug(max_length=80), _REQUIRED), "title": (_text(max_length=200), _REQUIRED),
        "summary": (_text(max_length=400), _REQUIRED), "description": (_text(blank=True), ""),
        "topics": (_list(_topic), []), "learning_objectives": (_list(_text()), []),
        "target_audience": (_text(blank=True), ""),
        "activity_format": (_choice(ActivityFormat), _default(Course, "activity_format")),
        "estimated_minutes": (_integer(minimum=0), _default(Course, "estimated_minutes")),
        "credits_max": (_credits, _REQUIRED),
        "provider_name": (_text(max_length=200), _default(Course, "provider_name")),
        "accme_activity_id": (_text(nullable=True), ""),
        "reported_to_pars": (_boolean, True),
        "moc_registrations": (_list(_moc_registration), []),
        "accreditation_statement": (_text(blank=True, nullable=True), ""),
        "designation_statement": (_text(blank=True, nullable=True), ""),
        "release_date": (_date, None), "expiry_date": (_date, None),
        "passing_score_percent": (_integer(minimum=1, maximum=100), _default(Course, "passing_score_percent")),
        "status": (_choice(CourseStatus), CourseStatus.DRAFT),
    })
    if course is None:
        return None
    if course["accme_activity_id"] and not re.fullmatch(r"[0-9]{9}", course["accme_activity_id"]):
        c.problem((*path, "accme_activity_id"), "an ACCME activity ID is 9 digits, written in quotes")
    release, expiry = course["release_date"], course["expiry_date"]
    if release and expiry and expiry < release:
        c.problem((*path, "expiry_date"), f"the course expires ({expiry}) before it is released ({release})")
    boards = [entry["board"] for entry in course["moc_registrations"] if entry]
    for index, board in enumerate(boards):
        if board and board in boards[:index]:
            c.problem((*path, "moc_registrations", index), f"the activity is registered with {board} twice")
    slugs = [slugify(name) for name in course["topics"]]
    for index, slug in enumerate(slugs):
        if slug and slug in slugs[:index]:
            c.problem((*path, "topics", index), "this topic is listed twice")
    return course


DOCUMENT = {
    "format": (_text(), _REQUIRED), "course": (_course, _REQUIRED), "faculty": (_list(_faculty), []),
    "modules": (_list(_module), []), "post_test": (_post_test, None),
    "evaluation": (_list(_evaluation_item, nullable=True), None),
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
                c.problems.append(ImportProblem(key.start_mark.line + 1, f"{_where((*path, key.value))}: "
                                                "this key appears twice; the second would silently replace the first"))
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
                None, None, f"{node.value} is not a real date ({exc})", node.start_mark) from exc


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
        what = "a value cannot be read" if isinstance(exc, yaml.constructor.ConstructorError) else \
            "the file is not valid YAML"
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
        c.problem(path, f"the course {slug} has enrolled learners, so it cannot be replaced; "
                        "import it under a new slug instead")
    return existing
