"""The pass mark is reached, not exceeded: a learner who scores exactly the course's passing
score has passed the post-test and goes on to the evaluation."""

import re

import pytest
from django.urls import reverse

from courses import services
from courses.models import Attempt
from tests.courses.conftest import as_posted, build_course, complete_modules, correct_answers, wrong_answers

pytestmark = pytest.mark.django_db


def test_a_learner_scoring_exactly_the_pass_mark_passes_and_may_take_the_evaluation(client, learner):
    course = build_course(bank=5, passing_score_percent=80)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    client.force_login(learner)

    response = client.post(reverse("courses:post_test", args=[course.slug]))
    attempt = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response.url).group(1)))
    # Four of five questions right: 80 %, the pass mark itself.
    answers = correct_answers(attempt)
    last_question = attempt.layout[-1]["question"]
    answers[last_question] = wrong_answers(attempt)[last_question]
    response = client.post(
        reverse("courses:attempt_submit", args=[attempt.pk]), as_posted(client, attempt, answers), follow=True
    )

    page = response.content.decode()
    assert "Your score: 80.00%" in page and "you passed" in page
    assert "Continue to the evaluation" in page
    enrollment.refresh_from_db()
    assert enrollment.post_test_passed_at is not None
    assert client.get(reverse("courses:evaluation", args=[course.slug])).status_code == 200
