"""The evaluation summary: each agreement item's distribution, the share who perceived
commercial bias, and the free-text answers."""

import pytest
from django.urls import reverse

from courses.models import Enrollment, EvaluationResponse
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

# Bias item answers from five learners: 1 and 2 perceive bias, 3 is neutral.
BIAS_ANSWERS = [1, 2, 3, 4, 5]


@pytest.fixture
def evaluated_course():
    course = build_course(slug="evaluated", modules=1, bank=1, knowledge_checks=False)
    other = build_course(slug="other-course", modules=1, bank=1, knowledge_checks=False)
    items = {item.code: item for item in course.evaluation_items.all()}
    for number, bias in enumerate(BIAS_ANSWERS):
        enrollment = Enrollment.objects.create(user=ProfileFactory().user, course=course)
        EvaluationResponse.objects.bulk_create(
            [
                EvaluationResponse(enrollment=enrollment, item=items["free_of_commercial_bias"], likert_value=bias),
                EvaluationResponse(enrollment=enrollment, item=items["objectives_met"], likert_value=5),
                EvaluationResponse(
                    enrollment=enrollment,
                    item=items["what_will_you_change"],
                    text=f"I will ask learners first (learner {number}).",
                ),
            ]
        )
    stranger = Enrollment.objects.create(user=ProfileFactory().user, course=other)
    EvaluationResponse.objects.create(
        enrollment=stranger,
        item=other.evaluation_items.get(code="what_will_you_change"),
        text="An answer about another course.",
    )
    return course


def test_bias_share_counts_disagree_and_strongly_disagree_with_free_of_bias(admin_browser, evaluated_course):
    response = admin_browser.get(reverse("reports:evaluation", args=[evaluated_course.slug]))

    summary = response.context["summary"]
    assert summary.respondents == 5
    assert (summary.bias.perceived_bias, summary.bias.answered) == (2, 5)
    assert "40 %" in response.content.decode()


def test_each_agreement_item_shows_its_distribution_and_mean(admin_browser, evaluated_course):
    summary = admin_browser.get(reverse("reports:evaluation", args=[evaluated_course.slug])).context["summary"]

    by_code = {item.item.code: item for item in summary.likert}
    assert by_code["free_of_commercial_bias"].counts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert by_code["free_of_commercial_bias"].mean == 3
    assert by_code["objectives_met"].counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 5}
    assert by_code["relevant_to_practice"].answered == 0


def test_free_text_answers_of_this_course_are_listed(admin_browser, evaluated_course):
    html = admin_browser.get(reverse("reports:evaluation", args=[evaluated_course.slug])).content.decode()

    for number in range(5):
        assert f"I will ask learners first (learner {number})." in html
    assert "An answer about another course." not in html
    assert '<svg class="chart" id="likert-chart" role="img"' in html
