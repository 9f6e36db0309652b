"""The post-test page must not give away its answer key through the values of its options.

Authors tend to write the correct option first. When an option's value was its database id,
"always tick the smallest value" passed two of the three demo post-tests without reading a
single question; the values a learner sees must say nothing about the options behind them."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from courses import services
from courses.importers.course_yaml import course_import_yaml
from courses.models import Attempt, Course, Option, Question, QuestionType, QuizKind
from tests.courses.conftest import attempt_page_choices, complete_modules
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

DEMO_FILES = sorted((Path(settings.BASE_DIR) / "courses" / "demo").glob("*.yaml"))
ATTEMPTS = 30
# 30 attempts of 10 questions: the mean score's standard deviation is under 3 points, so
# 15 points either side of chance never fails by bad luck and still catches the old
# strategy, which scored 76–93 % against a chance level of about a third.
TOLERANCE_PERCENT = 15


def _value_order(value: str) -> tuple[int, str]:
    """Smallest first, as numbers when the values are numbers."""
    return len(value), value


def _demo_course(path: Path) -> Course:
    return course_import_yaml(text=path.read_text(encoding="utf-8"))


def _points_for_one_random_option(question: Question) -> Decimal:
    """What ticking one option picked at random earns on this question, on average."""
    weights = [option.weight_percent for option in question.options.all()]
    if question.type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return Decimal(sum(1 for weight in weights if weight > 0)) / len(weights)
    full = sum(weight for weight in weights if weight > 0)
    return sum(max(Decimal(0), weight) / full for weight in weights) / len(weights)


def _chance_percent(course: Course) -> Decimal:
    # Each attempt draws its questions uniformly from the bank, so the bank's mean is the
    # expected share of an attempt.
    bank = list(course.quizzes.get(kind=QuizKind.POST_TEST).questions.prefetch_related("options"))
    return 100 * sum(_points_for_one_random_option(question) for question in bank) / len(bank)


def _start_attempt_as_new_learner(client, course: Course) -> Attempt:
    learner = ProfileFactory().user
    complete_modules(services.enrollment_create(user=learner, course=course))
    client.force_login(learner)
    response = client.post(reverse("courses:post_test", args=[course.slug]))
    assert response.status_code == 302, response.content[:500]
    return Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response.url).group(1)))


@pytest.mark.parametrize("path", DEMO_FILES, ids=[path.stem for path in DEMO_FILES])
def test_ticking_the_smallest_value_of_every_question_scores_at_chance_on_each_demo_post_test(client, path):
    course = _demo_course(path)
    chance = _chance_percent(course)
    scores = []
    for _ in range(ATTEMPTS):
        attempt = _start_attempt_as_new_learner(client, course)
        choices = attempt_page_choices(client, attempt)
        assert sorted(choices) == sorted(attempt.question_ids)
        smallest = {
            f"q{question_id}": min((choice.value for choice in shown), key=_value_order)
            for question_id, shown in choices.items()
        }
        response = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), smallest)
        assert response.status_code == 302
        attempt.refresh_from_db()
        scores.append(attempt.score_percent)
    mean = sum(scores) / len(scores)
    assert mean < course.passing_score_percent
    assert abs(mean - chance) <= TOLERANCE_PERCENT, f"mean {mean:.1f} % against a chance level of {chance:.1f} %"


# With shuffling off the options are shown in authored order, as the author chose; their
# values still must not say which came first.
@pytest.mark.parametrize("shuffle_options", [True, False], ids=["shuffled", "authored-order"])
def test_option_values_change_with_each_attempt_and_follow_no_authored_order(client, shuffle_options):
    course = _demo_course(DEMO_FILES[0])
    # Every question in every attempt, so the two attempts can be compared question by question.
    course.quizzes.filter(kind=QuizKind.POST_TEST).update(draw_count=None, shuffle_options=shuffle_options)
    first, second = (attempt_page_choices(client, _start_attempt_as_new_learner(client, course)) for _ in range(2))
    assert sorted(first) == sorted(second)

    option_ids = {str(option_id) for option_id in Option.objects.values_list("id", flat=True)}
    in_authored_order = 0
    for question_id, shown in first.items():
        values = {choice.value for choice in shown}
        assert len(values) == len(shown), "each option has its own value"
        assert not values & {choice.value for choice in second[question_id]}, (
            "a value is never reused by another attempt"
        )
        assert not values & option_ids, "a value is never an option id"
        authored = list(
            Option.objects.filter(question_id=question_id).order_by("order", "id").values_list("text", flat=True)
        )
        by_value = [choice.text for choice in sorted(shown, key=lambda choice: _value_order(choice.value))]
        in_authored_order += by_value == authored
    # By chance 1 in 24 (four options) or 1 in 120 (five) questions: about 2 of 40.
    assert in_authored_order <= len(first) // 4, (
        f"{in_authored_order} of {len(first)} questions sort into authored order"
    )
