"""What a learner must never be able to do or see."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from courses import services
from courses.errors import Conflict
from courses.models import Answer, Attempt, Enrollment, Module, ModuleProgress, QuizKind
from tests.courses.conftest import SECRET_FEEDBACK, as_posted, build_course, complete_modules, correct_answers
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _ready_attempt(learner, course):
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    return services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))


def _row_counts():
    return (
        Attempt.objects.count(),
        Answer.objects.count(),
        Enrollment.objects.count(),
        ModuleProgress.objects.count(),
        list(Attempt.objects.values_list("submitted_at", "score_percent")),
    )


def test_no_answer_key_reaches_the_learner_before_grading(client, learner, course):
    attempt = _ready_attempt(learner, course)
    client.force_login(learner)
    pages = [
        client.get(reverse("courses:module", args=[course.slug, 1])),
        client.get(reverse("courses:attempt", args=[attempt.pk])),
        client.get(reverse("courses:post_test", args=[course.slug])),
        client.get(course.get_absolute_url()),
    ]
    for page in pages:
        body = page.content
        assert page.status_code == 200
        assert SECRET_FEEDBACK.encode() not in body
        for leak in (b"weight", b"is_correct", b"(correct)", b"data-correct"):
            assert leak not in body


@pytest.mark.parametrize("name", ["attempt", "attempt_result"])
def test_another_learners_attempt_is_a_404(client, learner, course, name):
    attempt = _ready_attempt(learner, course)
    intruder = ProfileFactory().user
    client.force_login(intruder)
    assert client.get(reverse(f"courses:{name}", args=[attempt.pk])).status_code == 404


def test_submitting_or_saving_into_another_learners_attempt_is_a_404_and_changes_nothing(client, learner, course):
    attempt = _ready_attempt(learner, course)
    client.force_login(learner)
    answers = as_posted(client, attempt, correct_answers(attempt))
    before = _row_counts()
    client.force_login(ProfileFactory().user)
    assert client.post(reverse("courses:attempt_submit", args=[attempt.pk]), answers).status_code == 404
    first = attempt.question_ids[0]
    assert (
        client.post(
            reverse("courses:attempt_answer", args=[attempt.pk, first]), {f"q{first}": answers[f"q{first}"]}
        ).status_code
        == 404
    )
    assert _row_counts() == before


def test_another_learners_progress_is_not_reachable(client, learner, course):
    services.enrollment_create(user=learner, course=course)
    intruder = ProfileFactory().user
    client.force_login(intruder)
    # Not enrolled: the module player and post-test are 404, not someone else's progress.
    assert client.get(reverse("courses:module", args=[course.slug, 1])).status_code == 404
    assert client.get(reverse("courses:post_test", args=[course.slug])).status_code == 404
    assert client.post(reverse("courses:module_complete", args=[course.slug, 1])).status_code == 404
    assert course.title not in client.get(reverse("learning")).content.decode()


@pytest.mark.parametrize(
    "tamper", ["foreign_question", "foreign_option", "own_option_id", "not_a_value", "not_a_question"]
)
def test_bad_submissions_are_400_and_write_nothing(client, learner, course, tamper):
    attempt = _ready_attempt(learner, course)
    other = build_course(slug="other-course")
    foreign_question = other.quizzes.get(kind=QuizKind.POST_TEST).questions.first()
    client.force_login(learner)
    right = correct_answers(attempt)
    answers = as_posted(client, attempt, right)
    first = attempt.question_ids[0]
    if tamper == "foreign_question":
        answers[f"q{foreign_question.id}"] = [foreign_question.options.first().id]
    elif tamper == "foreign_option":
        answers[f"q{first}"] = [foreign_question.options.first().id]
    elif tamper == "own_option_id":
        answers[f"q{first}"] = right[first]
    elif tamper == "not_a_value":
        answers[f"q{first}"] = ["DROP TABLE"]
    else:
        answers["qDROP"] = answers[f"q{first}"]
    before = _row_counts()
    response = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), answers)
    assert response.status_code == 400
    assert "not" in response.content.decode()
    assert _row_counts() == before


def test_a_closed_attempt_cannot_be_submitted_again(client, learner, course):
    attempt = _ready_attempt(learner, course)
    services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    before = _row_counts()
    client.force_login(learner)
    response = client.post(reverse("courses:attempt_submit", args=[attempt.pk]), {})
    assert response.status_code == 409
    assert "already been submitted" in response.content.decode()
    assert _row_counts() == before


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_of_one_attempt_grade_once():
    learner = ProfileFactory().user
    course = build_course(slug="race")
    attempt = _ready_attempt(learner, course)
    answers = correct_answers(attempt)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers=answers)
            outcomes.append("graded")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict", "graded"], f"{outcomes} on {connection.vendor}"
    assert Answer.objects.filter(attempt=attempt).count() == len(answers)


def test_authored_script_is_rendered_harmless(client, learner, course):
    Module.objects.filter(course=course, order=1).update(
        body='Hello <script>alert("x")</script> <img src=x onerror="alert(1)"> [click](javascript:alert(1)) '
        '<a href="javascript:alert(2)">also</a>'
    )
    enrollment = services.enrollment_create(user=learner, course=course)
    services.disclosures_acknowledge(enrollment=enrollment)
    client.force_login(learner)
    body = client.get(reverse("courses:module", args=[course.slug, 1])).content.decode()
    assert "Hello" in body
    assert "<script>alert" not in body and "onerror" not in body
    # A javascript: URL never becomes a link (it may stay visible as inert text).
    assert 'href="javascript:' not in body and "href='javascript:" not in body


def test_anonymous_visitor_is_sent_to_login_for_learner_actions(course):
    client = Client()
    response = client.post(reverse("courses:enroll", args=[course.slug]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
