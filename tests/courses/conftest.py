"""What the learner-path tests share: the course recipe (built with the factories in
tests/courses/factories.py, re-exported here) and the learner's moves through it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import unescape

import pytest
from django.urls import reverse

from courses import services
from courses.models import Option
from tests.courses.factories import SECRET_FEEDBACK, add_multiple_question, add_single_question, build_course

__all__ = ["SECRET_FEEDBACK", "add_multiple_question", "add_single_question", "build_course"]


def correct_answers(attempt) -> dict[int, list[int]]:
    answers = {}
    for entry in attempt.layout:
        options = Option.objects.filter(id__in=entry["options"], weight_percent__gt=0)
        answers[entry["question"]] = [option.id for option in options]
    return answers


def wrong_answers(attempt) -> dict[int, list[int]]:
    answers = {}
    for entry in attempt.layout:
        options = Option.objects.filter(id__in=entry["options"], weight_percent__lte=0)
        answers[entry["question"]] = [options.first().id]
    return answers


@dataclass(frozen=True)
class PageChoice:
    """One option of a question as the attempt page shows it."""

    value: str
    text: str
    is_checked: bool


_PAGE_CHOICE = re.compile(
    r'<input type="(?:radio|checkbox)" name="q(?P<question>\d+)" value="(?P<value>[^"]*)" id="(?P<id>[^"]+)"'
    r'(?P<checked> checked)?>\s*<label for="(?P=id)">(?P<text>.*?)</label>',
    re.S,
)


def attempt_page_choices(client, attempt) -> dict[int, list[PageChoice]]:
    """Each question's options in the order the learner's attempt page shows them."""
    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    choices: dict[int, list[PageChoice]] = {}
    for match in _PAGE_CHOICE.finditer(page):
        choices.setdefault(int(match["question"]), []).append(
            PageChoice(value=unescape(match["value"]), text=unescape(match["text"]), is_checked=bool(match["checked"]))
        )
    return choices


def as_posted(client, attempt, answers: Mapping[int, list[int]]) -> dict[str, list[str]]:
    """The form data a learner sends by ticking these options, found by their text on the
    attempt page (the client must be signed in as the attempt's learner)."""
    page = attempt_page_choices(client, attempt)
    texts = dict(Option.objects.filter(question_id__in=answers).values_list("id", "text"))
    data = {}
    for question_id, option_ids in answers.items():
        value_of = {choice.text: choice.value for choice in page[question_id]}
        data[f"q{question_id}"] = [value_of[texts[option_id]] for option_id in option_ids]
    return data


def complete_modules(enrollment):
    services.disclosures_acknowledge(enrollment=enrollment)
    for module in enrollment.course.modules.order_by("order"):
        services.module_complete(enrollment=enrollment, module=module)


@pytest.fixture
def course(db):
    return build_course()
