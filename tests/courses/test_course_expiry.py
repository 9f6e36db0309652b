"""After an activity's expiry date no credit can be earned from it, even by learners who
enrolled before: the post-test neither starts nor takes answers, and the page says why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.errors import CourseExpired
from courses.models import Attempt, QuizKind
from tests.courses.conftest import as_posted, build_course, complete_modules, correct_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPIRED = "its post-test is closed and no new credit can be claimed"


@pytest.fixture
def learner():
    return UserFactory()


def ready_for_the_post_test(learner):
    course = build_course(bank=2, knowledge_checks=False)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    return enrollment


def expire(course, days_ago: int = 1):
    course.expiry_date = timezone.localdate() - timedelta(days=days_ago)
    course.save(update_fields=["expiry_date"])


def test_the_post_test_does_not_start_after_the_expiry_date(client, learner):
    enrollment = ready_for_the_post_test(learner)
    expire(enrollment.course)
    client.force_login(learner)
    url = reverse("courses:post_test", args=[enrollment.course.slug])

    page = client.get(url).content.decode()
    refused = client.post(url)

    assert EXPIRED in page and "Start the attempt" not in page
    assert refused.status_code == 403 and EXPIRED in refused.content.decode()
    assert not Attempt.objects.exists()


def test_an_attempt_started_before_expiry_cannot_be_saved_or_submitted_after_it(client, learner):
    enrollment = ready_for_the_post_test(learner)
    attempt = services.attempt_start(enrollment=enrollment, quiz=enrollment.course.quizzes.get(kind=QuizKind.POST_TEST))
    client.force_login(learner)
    answers = as_posted(client, attempt, correct_answers(attempt))
    question_id = attempt.layout[0]["question"]
    expire(enrollment.course)

    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    saved = client.post(
        reverse("courses:attempt_answer", args=[attempt.pk, question_id]),
        {f"q{question_id}": answers[f"q{question_id}"]},
    )
    submitted = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), answers)

    assert EXPIRED in page
    assert saved.status_code == 403 and submitted.status_code == 403
    assert EXPIRED in submitted.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score_percent is None
    assert not attempt.answers.exists()


def test_the_expiry_date_itself_is_the_last_day_to_take_the_post_test(learner):
    enrollment = ready_for_the_post_test(learner)
    expire(enrollment.course, days_ago=0)
    quiz = enrollment.course.quizzes.get(kind=QuizKind.POST_TEST)

    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))

    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(CourseExpired):
        services.attempt_start(enrollment=enrollment, quiz=quiz, now=tomorrow)
