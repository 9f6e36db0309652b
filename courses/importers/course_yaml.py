"""Import and export a whole course as one YAML file (`docere-course/1`, docs/course-format.md).

The import reads with PyYAML's safe loader only, checks the whole document before writing
anything and reports every problem with its line, so an author fixes a file in one pass.
The rows are written in one transaction: a file with any problem changes nothing.
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
from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify

from courses import services
from courses.errors import CoursePublishError
from courses.importers.gift import ParsedOption, ParsedQuestion
from courses.importers.gift_import import quiz_questions_append
from courses.models import (
    ActivityFormat,
    Course,
    CourseStatus,
    Disclosure,
    EvaluationItem,
    EvaluationKind,
    Faculty,
    FacultyRole,
    GradingMethod,
    LateSubmissionPolicy,
    Module,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
    ReviewPolicy,
    Topic,
)

FORMAT = "docere-course/1"
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
Check = Callable[["_Checker", Any, Path], Any]
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


class _Checker:
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


def _scalar_problem(c: _Checker, path: Path, wanted: str, value: Any) -> None:
    hint = " (put it in quotes)" if wanted == "text" and isinstance(value, (bool, int, float, date)) else ""
    c.problem(path, f"must be {wanted}, not {_kind(value)}{hint}")


def _text(*, max_length: int = 0, blank: bool = False, nullable: bool = False) -> Check:
    def check(c: _Checker, value: Any, path: Path) -> str:
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
    def check(c: _Checker, value: Any, path: Path) -> str:
        text = _text(max_length=max_length, nullable=nullable)(c, value, path)
        if text and not slug_re.match(text):
            c.problem(path, f"'{text}' may use only letters, digits, hyphens and underscores")
        return text
    return check


def _integer(*, minimum: int, maximum: int = MAX_INTEGER, nullable: bool = False) -> Check:
    def check(c: _Checker, value: Any, path: Path) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            _scalar_problem(c, path, "a whole number" + (" or null" if nullable else ""), value)
            return None
        if not minimum <= value <= maximum:
            c.problem(path, f"is {value}; it must be between {minimum} and {maximum}")
        return value
    return check


def _boolean(c: _Checker, value: Any, path: Path) -> bool:
    if not isinstance(value, bool):
        _scalar_problem(c, path, "true or false", value)
        return False
    return value


def _choice(choices: type) -> Check:
    def check(c: _Checker, value: Any, path: Path) -> str | None:
        if value not in choices.values:
            c.problem(path, f"'{value}' is not one of: {' | '.join(choices.values)}")
            return None
        return value
    return check


def _date(c: _Checker, value: Any, path: Path) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    c.problem(path, f"must be a date written as YYYY-MM-DD, not {_kind(value)}")
    return None


def _decimal(c: _Checker, value: Any, path: Path, example: str) -> Decimal | None:
    try:
        number = None if isinstance(value, bool) else Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        c.problem(path, f"must be a number such as {example}, not {_kind(value)}")
        return None
    return number


def _credits(c: _Checker, value: Any, path: Path) -> Decimal | None:
    credits = _decimal(c, value, path, '"1.75"')
    if credits is not None and not (0 < credits <= 100 and (credits * 4) == (credits * 4).to_integral_value()):
        c.problem(path, f"is {credits}; credits are more than 0, at most 100, in steps of 0.25 (e.g. \"1.75\")")
    return credits


def _weight(c: _Checker, value: Any, path: Path) -> Decimal | None:
    weight = _decimal(c, value, path, "50 or -33.33")
    if weight is not None and not (-100 <= weight <= 100 and weight.as_tuple().exponent >= -2):
        c.problem(path, f"is {weight}; a weight is a percent from -100 to 100 with at most two decimals")
    return weight


def _list(item: Check, *, min_items: int = 0, nullable: bool = False, too_few: str = "") -> Check:
    def check(c: _Checker, value: Any, path: Path) -> list | None:
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


def _option(c: _Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "text": (_text(), _REQUIRED), "correct": (_boolean, None), "weight": (_weight, None),
        "feedback": (_text(blank=True), ""),
    })


def _question(c: _Checker, value: Any, path: Path) -> ParsedQuestion | None:
    question = c.mapping(value, path, {
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
    return ParsedQuestion(line=c.line(path), title="", category="", type=kind, stem=question["stem"],
                          explanation=question["explanation"], options=parsed)


def _disclosure(c: _Checker, value: Any, path: Path) -> dict | None:
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


def _faculty(c: _Checker, value: Any, path: Path) -> dict | None:
    # ACCME Standard 3: everyone in control of content discloses, even "nothing to disclose".
    return c.mapping(value, path, {
        "name": (_text(max_length=200), _REQUIRED), "degrees": (_text(max_length=100, blank=True), ""),
        "role": (_choice(FacultyRole), _default(Faculty, "role")),
        "disclosures": (_list(_disclosure, min_items=1, too_few="needs at least one disclosure; write "
                                                                  "- no_relevant_relationships: true if there is "
                                                                  "nothing to disclose"), _REQUIRED),
    })


def _knowledge_check(c: _Checker, value: Any, path: Path) -> dict | None:
    return None if value is None else c.mapping(value, path, {"questions": (_list(_question), _REQUIRED)})


def _module(c: _Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "title": (_text(max_length=200), _REQUIRED),
        "estimated_minutes": (_integer(minimum=0), _default(Module, "estimated_minutes")),
        "body": (_text(), _REQUIRED), "knowledge_check": (_knowledge_check, None),
    })


def _post_test(c: _Checker, value: Any, path: Path) -> dict | None:
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


def _evaluation_item(c: _Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(value, path, {
        "kind": (_choice(EvaluationKind), _REQUIRED), "prompt": (_text(max_length=300), _REQUIRED),
        "code": (_slug(max_length=60, nullable=True), ""), "required": (_boolean, True),
    })


def _topic(c: _Checker, value: Any, path: Path) -> str:
    name = _text(max_length=80)(c, value, path)
    if name and not slugify(name):
        c.problem(path, f"'{name}' needs at least one letter or digit")
    return name


def _course(c: _Checker, value: Any, path: Path) -> dict | None:
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
    slugs = [slugify(name) for name in course["topics"]]
    for index, slug in enumerate(slugs):
        if slug and slug in slugs[:index]:
            c.problem((*path, "topics", index), "this topic is listed twice")
    return course


_DOCUMENT = {
    "format": (_text(), _REQUIRED), "course": (_course, _REQUIRED), "faculty": (_list(_faculty), []),
    "modules": (_list(_module), []), "post_test": (_post_test, None),
    "evaluation": (_list(_evaluation_item, nullable=True), None),
}


def _duplicate_keys(c: _Checker, node: yaml.Node, path: Path, seen: set[int]) -> None:
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
            _duplicate_keys(c, value, (*path, key.value), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _duplicate_keys(c, item, (*path, index), seen)


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


def _load(text: str) -> tuple[yaml.Node, Any]:
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


def _course_to_replace(c: _Checker, slug: str, replace: bool) -> Course | None:
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


# --- Writing ------------------------------------------------------------------------------
def _topics(names: list[str]) -> list[Topic]:
    topics = []
    for name in names:
        # "Belonging" and "belonging" share a slug: reuse the topic rather than break its unique slug.
        topic = Topic.objects.filter(name=name).first() or Topic.objects.filter(slug=slugify(name)).first()
        topics.append(topic or Topic.objects.create(name=name, slug=slugify(name)))
    return topics


def _course_create(document: dict) -> Course:
    fields = dict(document["course"])
    topics, status = fields.pop("topics"), fields.pop("status")
    course = Course.objects.create(**fields)
    course.topics.set(_topics(topics))
    for order, person in enumerate(document["faculty"], start=1):
        faculty = Faculty.objects.create(course=course, order=order, name=person["name"],
                                         degrees=person["degrees"], role=person["role"])
        Disclosure.objects.bulk_create([
            Disclosure(faculty=faculty, has_no_relevant_relationships=d["no_relevant_relationships"],
                       ineligible_company=d["ineligible_company"], relationship=d["relationship"],
                       is_mitigated=d["mitigated"])
            for d in person["disclosures"]
        ])
    for order, entry in enumerate(document["modules"], start=1):
        module = Module.objects.create(course=course, order=order, title=entry["title"], body=entry["body"],
                                       estimated_minutes=entry["estimated_minutes"])
        if entry["knowledge_check"] is not None:
            quiz = Quiz.objects.create(course=course, module=module, kind=QuizKind.KNOWLEDGE_CHECK)
            quiz_questions_append(quiz=quiz, questions=entry["knowledge_check"]["questions"])
    if document["post_test"] is not None:
        settings = dict(document["post_test"])
        questions = settings.pop("questions")
        quiz_questions_append(quiz=Quiz.objects.create(course=course, kind=QuizKind.POST_TEST, **settings),
                              questions=questions)
    if document["evaluation"] is None:
        services.evaluation_items_seed_standard(course=course)
    else:
        EvaluationItem.objects.bulk_create([
            EvaluationItem(course=course, order=order, kind=item["kind"], prompt=item["prompt"],
                           code=item["code"], is_required=item["required"])
            for order, item in enumerate(document["evaluation"], start=1)
        ])
    if status == CourseStatus.ARCHIVED:
        services.course_unpublish(course=course, archive=True)
    return course


def course_import_yaml(*, text: str, replace: bool = False) -> Course:
    """Create a course from a `docere-course/1` file, or raise CourseImportError listing every problem.

    With replace, an existing course with the same slug is deleted and recreated, unless
    learners have enrolled in it. A file saying status: published must pass the publication
    checks; a draft or archived file is imported as it is.
    """
    with transaction.atomic():
        root, data = _load(text)
        checker = _Checker(root)
        version = data.get("format") if isinstance(data, dict) else None
        if isinstance(version, str) and version != FORMAT:
            # Checking another version's file by this version's rules would only bury this message.
            checker.problem(("format",), f"'{version}' is not a format this version reads ({FORMAT})")
            raise CourseImportError(checker.problems)
        _duplicate_keys(checker, root, (), set())
        document = checker.mapping(data, (), _DOCUMENT)
        existing = None
        if document and document["course"] and document["course"]["slug"]:
            existing = _course_to_replace(checker, document["course"]["slug"], replace)
        if checker.problems or document is None:
            # In file order, so an author can work down the file.
            raise CourseImportError(sorted(checker.problems, key=lambda problem: problem.line or 0))
        if existing is not None:
            existing.delete()
        course = _course_create(document)
        if document["course"]["status"] == CourseStatus.PUBLISHED:
            try:
                services.course_publish(course=course)
            except CoursePublishError as exc:
                for problem in exc.problems:
                    checker.problem(("course",), f"status is published, but {problem[0].lower()}{problem[1:]}")
                raise CourseImportError(checker.problems) from exc
    return course


# --- Writing YAML -------------------------------------------------------------------------
class _Quoted(str):
    """Written in double quotes, so "1.50" is read back as text, not as the float 1.5."""


class _Flow(list):
    """Written on one line: [Clinical teaching, Belonging]."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # equal values are written out each time, never as &anchors

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)  # lists indented under their key, as in the docs

    def choose_scalar_style(self) -> str:
        # Double quotes where quotes are needed ("True"), single ones only to spare escaping a ".
        style = super().choose_scalar_style()
        return '"' if style == "'" and '"' not in self.event.value else style


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A browser textarea sends CRLF, and YAML reads a literal block's line breaks back as LF:
    # writing LF now keeps export → import → export byte-identical.
    value = re.sub(r"\r\n?", "\n", value)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(value), style='"'))
_Dumper.add_representer(_Flow, lambda dumper, value: dumper.represent_sequence(
    "tag:yaml.org,2002:seq", value, flow_style=True))


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _question_out(question: Question) -> dict:
    out: dict[str, Any] = {"type": question.type, "stem": question.stem}
    if question.explanation:
        out["explanation"] = question.explanation
    out["options"] = []
    for option in question.options.all():
        entry: dict[str, Any] = {"text": option.text}
        if question.type == QuestionType.MULTIPLE:
            entry["weight"] = _number(option.weight_percent)
        elif option.is_correct:
            entry["correct"] = True
        if option.feedback:
            entry["feedback"] = option.feedback
        out["options"].append(entry)
    return out


def _post_test_out(quiz: Quiz | None) -> dict | None:
    if quiz is None:
        return None
    names = ["draw_count", "shuffle_questions", "shuffle_options", "max_attempts", "grading_method",
             "time_limit_minutes", "late_submission_policy", "review_policy"]
    return {**{name: getattr(quiz, name) for name in names},
            "questions": [_question_out(question) for question in quiz.questions.all()]}


def course_export_yaml(*, course: Course) -> str:
    """The course as a `docere-course/1` file: keys in the documented order, deterministic text."""
    course = Course.objects.prefetch_related("topics", "faculty__disclosures", "evaluation_items").get(pk=course.pk)
    quizzes = list(Quiz.objects.filter(course=course).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "id").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "id"))))))
    checks = {quiz.module_id: quiz for quiz in quizzes if not quiz.is_post_test}
    modules = []
    for module in course.modules.order_by("order"):
        entry: dict[str, Any] = {"title": module.title, "estimated_minutes": module.estimated_minutes,
                                 "body": module.body}
        if module.id in checks:
            entry["knowledge_check"] = {"questions": [_question_out(q) for q in checks[module.id].questions.all()]}
        modules.append(entry)
    document = {
        "format": FORMAT,
        "course": {
            "slug": course.slug, "title": course.title, "summary": course.summary,
            "description": course.description, "topics": _Flow(topic.name for topic in course.topics.all()),
            "learning_objectives": list(course.learning_objectives), "target_audience": course.target_audience,
            "activity_format": course.activity_format, "estimated_minutes": course.estimated_minutes,
            "credits_max": _Quoted(f"{course.credits_max:.2f}"), "provider_name": course.provider_name,
            "accme_activity_id": course.accme_activity_id or None,
            "accreditation_statement": course.accreditation_statement or None,
            "designation_statement": course.designation_statement or None,
            "release_date": course.release_date, "expiry_date": course.expiry_date,
            "passing_score_percent": course.passing_score_percent, "status": course.status,
        },
        "faculty": [
            {"name": person.name, "degrees": person.degrees, "role": person.role, "disclosures": [
                {"no_relevant_relationships": True} if d.has_no_relevant_relationships else
                {"ineligible_company": d.ineligible_company, "relationship": d.relationship,
                 "mitigated": d.is_mitigated}
                for d in person.disclosures.all()
            ]}
            for person in course.faculty.all()
        ],
        "modules": modules,
        "post_test": _post_test_out(next((quiz for quiz in quizzes if quiz.is_post_test), None)),
        "evaluation": [{"kind": item.kind, "prompt": item.prompt, "code": item.code or None,
                        "required": item.is_required} for item in course.evaluation_items.all()],
    }
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)
