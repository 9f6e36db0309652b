"""A small, complete, published course built straight from the models, for path tests."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from courses import services
from courses.models import (
    Course,
    Disclosure,
    Faculty,
    Module,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
)

# Text that must never reach a learner before grading: option feedback and explanations.
SECRET_FEEDBACK = "FEEDBACK-ONLY-AFTER-GRADING"


def build_course(*, slug="inclusive-rounds", modules=3, bank=6, draw_count=None, shuffle=False,
                 max_attempts=0, grading_method="highest", time_limit_minutes=None,
                 late_submission_policy="grade_answers_in_time", review_policy="after_pass",
                 passing_score_percent=80, knowledge_checks=True, status="published") -> Course:
    course = Course.objects.create(
        slug=slug, title=f"Course {slug}", summary="A course about teaching.", description="**Why** it matters.",
        learning_objectives=["Describe one thing", "Apply another"], target_audience="Faculty who teach",
        estimated_minutes=60, credits_max=Decimal("1.75"), passing_score_percent=passing_score_percent,
        status=status,
    )
    person = Faculty.objects.create(course=course, name="Dr. Ines Halvorsen-Achebe", degrees="MD", role="author")
    Disclosure.objects.create(faculty=person, has_no_relevant_relationships=True)
    for order in range(1, modules + 1):
        module = Module.objects.create(course=course, order=order, title=f"Module {order}",
                                       body=f"Body of module {order}.")
        if knowledge_checks:
            check = Quiz.objects.create(course=course, module=module, kind=QuizKind.KNOWLEDGE_CHECK)
            add_single_question(check, order=1, stem=f"Check for module {order}?")
    quiz = Quiz.objects.create(
        course=course, kind=QuizKind.POST_TEST, draw_count=draw_count, shuffle_questions=shuffle,
        shuffle_options=shuffle, max_attempts=max_attempts, grading_method=grading_method,
        time_limit_minutes=time_limit_minutes, late_submission_policy=late_submission_policy,
        review_policy=review_policy,
    )
    for order in range(1, bank + 1):
        add_single_question(quiz, order=order, stem=f"Post-test question {order}?")
    services.evaluation_items_seed_standard(course=course)
    return course


def add_single_question(quiz: Quiz, *, order: int, stem: str) -> Question:
    question = Question.objects.create(quiz=quiz, order=order, type=QuestionType.SINGLE, stem=stem,
                                       explanation=f"Explanation {SECRET_FEEDBACK}")
    Option.objects.create(question=question, order=1, text="Right answer", weight_percent=100,
                          feedback=f"Yes {SECRET_FEEDBACK}")
    Option.objects.create(question=question, order=2, text="Wrong answer", weight_percent=0,
                          feedback=f"No {SECRET_FEEDBACK}")
    return question


def add_multiple_question(quiz: Quiz, *, order: int, weights=(50, 50, -100)) -> Question:
    question = Question.objects.create(quiz=quiz, order=order, type=QuestionType.MULTIPLE, stem="Pick all?")
    for index, weight in enumerate(weights, start=1):
        Option.objects.create(question=question, order=index, text=f"Choice {index}", weight_percent=weight)
    return question


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
    r'(?P<checked> checked)?>\s*<label for="(?P=id)">(?P<text>.*?)</label>', re.S)


def attempt_page_choices(client, attempt) -> dict[int, list[PageChoice]]:
    """Each question's options in the order the learner's attempt page shows them."""
    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    choices: dict[int, list[PageChoice]] = {}
    for match in _PAGE_CHOICE.finditer(page):
        choices.setdefault(int(match["question"]), []).append(
            PageChoice(value=unescape(match["value"]), text=unescape(match["text"]), is_checked=bool(match["checked"])))
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
