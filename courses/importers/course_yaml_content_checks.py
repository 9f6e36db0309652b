"""Course-file checks of what a learner works through: the modules, their knowledge checks, the
post-test, the questions of both, and the evaluation."""

from decimal import Decimal
from typing import Any

from courses.importers.course_yaml_checker import (
    REQUIRED,
    Checker,
    Path,
    check_boolean,
    check_choice,
    check_integer,
    check_list,
    check_slug,
    check_text,
    check_weight,
    model_default,
)
from courses.importers.parsed_questions import TITLE_MAX_LENGTH, ParsedOption, ParsedQuestion
from courses.models import EvaluationKind, GradingMethod, LateSubmissionPolicy, Module, QuestionType, Quiz, ReviewPolicy

WEIGHT_TOLERANCE = Decimal("0.05")  # the same slack as courses.selectors.question_problems


def _option(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(
        value,
        path,
        {
            "text": (check_text(), REQUIRED),
            "correct": (check_boolean, None),
            "weight": (check_weight, None),
            "feedback": (check_text(blank=True), ""),
        },
    )


def _question(c: Checker, value: Any, path: Path) -> ParsedQuestion | None:
    question = c.mapping(
        value,
        path,
        {
            "title": (check_text(max_length=TITLE_MAX_LENGTH, blank=True), ""),
            "type": (check_choice(QuestionType), REQUIRED),
            "stem": (check_text(), REQUIRED),
            "explanation": (check_text(blank=True), ""),
            "options": (check_list(_option), REQUIRED),
        },
    )
    if question is None or question["type"] is None or question["options"] is None:
        return None
    kind, options = question["type"], question["options"]
    if len(options) < 2:
        c.problem(path, f"a question needs at least two options (found {len(options)})")
    good = [(index, option) for index, option in enumerate(options) if option is not None]
    if kind == QuestionType.MULTIPLE:
        for index, option in good:
            if option["correct"] is not None:
                c.problem(
                    (*path, "options", index, "correct"),
                    "a multiple-answer question gives every option a weight instead of correct",
                )
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
                c.problem(
                    (*path, "options", index, "weight"),
                    f"a {label} question marks its right option with correct: true instead of a weight",
                )
        correct = sum(1 for _, option in good if option["correct"])
        if correct != 1:
            c.problem(path, f"a {label} question needs exactly one correct option (found {correct})")
    texts = [option["text"] for _, option in good]
    if kind == QuestionType.TRUE_FALSE and all(texts) and sorted(texts) != ["False", "True"]:
        c.problem(path, 'a true/false question has exactly two options, "True" and "False"')
    parsed = tuple(
        ParsedOption(
            option["text"],
            option["weight"] if kind == QuestionType.MULTIPLE else Decimal(100 if option["correct"] else 0),
            option["feedback"],
        )
        for _, option in good
    )
    return ParsedQuestion(
        line=c.line(path),
        title=question["title"],
        category="",
        type=kind,
        stem=question["stem"],
        explanation=question["explanation"],
        options=parsed,
    )


def _knowledge_check(c: Checker, value: Any, path: Path) -> dict | None:
    return None if value is None else c.mapping(value, path, {"questions": (check_list(_question), REQUIRED)})


def check_module(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(
        value,
        path,
        {
            "title": (check_text(max_length=200), REQUIRED),
            "estimated_minutes": (check_integer(minimum=0), model_default(Module, "estimated_minutes")),
            "body": (check_text(), REQUIRED),
            "knowledge_check": (_knowledge_check, None),
        },
    )


def check_post_test(c: Checker, value: Any, path: Path) -> dict | None:
    if value is None:
        return None
    post_test = c.mapping(
        value,
        path,
        {
            "draw_count": (check_integer(minimum=1, nullable=True), None),
            "shuffle_questions": (check_boolean, True),
            "shuffle_options": (check_boolean, True),
            "max_attempts": (check_integer(minimum=0), 0),
            "grading_method": (check_choice(GradingMethod), model_default(Quiz, "grading_method")),
            "time_limit_minutes": (check_integer(minimum=1, nullable=True), None),
            "late_submission_policy": (
                check_choice(LateSubmissionPolicy),
                model_default(Quiz, "late_submission_policy"),
            ),
            "review_policy": (check_choice(ReviewPolicy), model_default(Quiz, "review_policy")),
            "questions": (check_list(_question), REQUIRED),
        },
    )
    if post_test and post_test["draw_count"] and post_test["questions"] is not None:
        if post_test["draw_count"] > len(post_test["questions"]):
            c.problem(
                (*path, "draw_count"),
                f"the post-test draws {post_test['draw_count']} questions "
                f"but the bank has only {len(post_test['questions'])}",
            )
    return post_test


def check_evaluation_item(c: Checker, value: Any, path: Path) -> dict | None:
    return c.mapping(
        value,
        path,
        {
            "kind": (check_choice(EvaluationKind), REQUIRED),
            "prompt": (check_text(max_length=300), REQUIRED),
            "code": (check_slug(max_length=60, nullable=True), ""),
            "required": (check_boolean, True),
        },
    )
