"""Writing a course as a `docere-course/1` file (`/2` with question titles, `/3` with MOC registrations): deterministic, so export → import → export is byte-identical."""

import re
from decimal import Decimal
from typing import Any

import yaml
from django.db.models import Prefetch

from courses.importers.course_yaml_checks import FORMAT, FORMAT_2, FORMAT_3
from courses.models import (
    POST_TEST_SETTING_FIELDS,
    Course,
    Option,
    Question,
    QuestionType,
    Quiz,
)


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
_Dumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')
)
_Dumper.add_representer(
    _Flow, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)
)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _question_out(question: Question) -> dict:
    out: dict[str, Any] = {"title": question.title} if question.title else {}
    out.update({"type": question.type, "stem": question.stem})
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
    return {
        **{name: getattr(quiz, name) for name in POST_TEST_SETTING_FIELDS},
        "questions": [_question_out(question) for question in quiz.questions.all()],
    }


def course_export_yaml(*, course: Course) -> str:
    """The course as a `docere-course/1` file (`/2` when a question has a title): keys in the documented order, deterministic text."""
    course = Course.objects.prefetch_related(
        "topics", "faculty__disclosures", "evaluation_items", "moc_registrations"
    ).get(pk=course.pk)
    quizzes = list(
        Quiz.objects.filter(course=course).prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("order", "id").prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("order", "id"))
                ),
            )
        )
    )
    checks = {quiz.module_id: quiz for quiz in quizzes if not quiz.is_post_test}
    modules = []
    for module in course.modules.order_by("order"):
        entry: dict[str, Any] = {
            "title": module.title,
            "estimated_minutes": module.estimated_minutes,
            "body": module.body,
        }
        if module.id in checks:
            entry["knowledge_check"] = {"questions": [_question_out(q) for q in checks[module.id].questions.all()]}
        modules.append(entry)
    has_titles = any(question.title for quiz in quizzes for question in quiz.questions.all())
    registrations = [
        {"board": r.board, "credit_type": r.credit_type, "points": _Quoted(f"{r.points:.2f}")}
        for r in course.moc_registrations.all()
    ]
    document = {
        "format": FORMAT_3 if registrations else FORMAT_2 if has_titles or not course.is_reported_to_pars else FORMAT,
        "course": {
            "slug": course.slug,
            "title": course.title,
            "summary": course.summary,
            "description": course.description,
            "topics": _Flow(topic.name for topic in course.topics.all()),
            "learning_objectives": list(course.learning_objectives),
            "target_audience": course.target_audience,
            "activity_format": course.activity_format,
            "estimated_minutes": course.estimated_minutes,
            "credits_max": _Quoted(f"{course.credits_max:.2f}"),
            "provider_name": course.provider_name,
            "accme_activity_id": course.accme_activity_id or None,
            "reported_to_pars": course.is_reported_to_pars,
            "moc_registrations": registrations,
            "accreditation_statement": course.accreditation_statement or None,
            "designation_statement": course.designation_statement or None,
            "release_date": course.release_date,
            "expiry_date": course.expiry_date,
            "passing_score_percent": course.passing_score_percent,
            "status": course.status,
        },
        "faculty": [
            {
                "name": person.name,
                "degrees": person.degrees,
                "role": person.role,
                "disclosures": [
                    {"no_relevant_relationships": True}
                    if d.has_no_relevant_relationships
                    else {
                        "ineligible_company": d.ineligible_company,
                        "relationship": d.relationship,
                        "mitigated": d.is_mitigated,
                    }
                    for d in person.disclosures.all()
                ],
            }
            for person in course.faculty.all()
        ],
        "modules": modules,
        "post_test": _post_test_out(next((quiz for quiz in quizzes if quiz.is_post_test), None)),
        "evaluation": [
            {"kind": item.kind, "prompt": item.prompt, "code": item.code or None, "required": item.is_required}
            for item in course.evaluation_items.all()
        ],
    }
    if course.is_reported_to_pars:
        # The default, and all version 1 can say: the key is written only when it is false.
        del document["course"]["reported_to_pars"]
    if not registrations:
        del document["course"]["moc_registrations"]  # written only by version 3
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)
