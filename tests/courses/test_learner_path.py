"""A learner's whole path through a course, over HTTP as a browser would drive it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.errors import Conflict, NotAllowedYet
from courses.models import Answer, Attempt, Enrollment, ModuleProgress, Option, QuizKind
from tests.courses.conftest import (
    add_multiple_question,
    as_posted,
    attempt_page_choices,
    build_course,
    complete_modules,
    correct_answers,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _post_answers(client, attempt, answers):
    return client.post(reverse("courses:attempt_submit", args=[attempt.pk]), as_posted(client, attempt, answers))


def _start(client, course) -> Attempt:
    response = client.post(reverse("courses:post_test", args=[course.slug]))
    assert response.status_code == 302, response.content[:500]
    return Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", response.url).group(1)))


def test_new_learner_walks_the_whole_path_to_a_complete_course(client, learner, course):
    client.force_login(learner)
    assert client.get(reverse("courses:catalog")).content.decode().count(course.title) == 1

    page = client.get(course.get_absolute_url()).content.decode()
    for must_show in (
        "Describe one thing",
        "Faculty who teach",
        "Dr. Ines Halvorsen-Achebe",
        "No relevant financial relationships",
        "accredited by the Accreditation Council",
        "AMA PRA Category 1 Credit",
        "80%",
    ):
        assert must_show in page

    response = client.post(reverse("courses:enroll", args=[course.slug]))
    assert response.url == reverse("courses:disclosures", args=[course.slug])
    # Disclosure before content: module 1 redirects back until acknowledged.
    assert client.get(reverse("courses:module", args=[course.slug, 1])).url == reverse(
        "courses:disclosures", args=[course.slug]
    )
    client.post(reverse("courses:disclosures", args=[course.slug]))
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.disclosures_acknowledged_at is not None

    for order in (1, 2, 3):
        page = client.get(reverse("courses:module", args=[course.slug, order]))
        assert page.status_code == 200 and f"Body of module {order}." in page.content.decode()
        client.post(reverse("courses:module_complete", args=[course.slug, order]))
    assert ModuleProgress.objects.filter(enrollment=enrollment).count() == 3

    first = _start(client, course)
    _post_answers(client, first, wrong_answers(first))
    first.refresh_from_db()
    assert first.score_percent == 0 and first.passed is False
    assert "you need 80% to pass" in client.get(reverse("courses:attempt_result", args=[first.pk])).content.decode()

    second = _start(client, course)
    assert second.number == 2
    _post_answers(client, second, correct_answers(second))
    second.refresh_from_db()
    assert second.score_percent == 100 and second.passed

    items = list(course.evaluation_items.all())
    data = {f"item{item.id}": ("4" if item.kind == "likert" else "Ask before I correct.") for item in items}
    response = client.post(reverse("courses:evaluation", args=[course.slug]), data)
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None

    learning = client.get(reverse("learning")).content.decode()
    completed_section = learning[learning.index("Completed") :]
    assert course.title in completed_section and "100% — complete" in completed_section


def test_modules_open_in_order_and_the_post_test_waits_for_all_of_them(client, learner, course):
    client.force_login(learner)
    client.post(reverse("courses:enroll", args=[course.slug]))
    client.post(reverse("courses:disclosures", args=[course.slug]))
    assert client.get(reverse("courses:module", args=[course.slug, 2])).status_code == 403
    response = client.post(reverse("courses:module_complete", args=[course.slug, 3]))
    assert response.status_code == 403
    assert not ModuleProgress.objects.exists()
    response = client.post(reverse("courses:post_test", args=[course.slug]))
    assert response.status_code == 403
    assert "every module is complete" in response.content.decode()
    assert not Attempt.objects.exists()


def test_evaluation_is_locked_until_the_post_test_is_passed(client, learner, course):
    client.force_login(learner)
    client.post(reverse("courses:enroll", args=[course.slug]))
    assert client.get(reverse("courses:evaluation", args=[course.slug])).status_code == 403


def test_incomplete_evaluation_is_refused_and_keeps_the_answers_given(client, learner, course):
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    client.force_login(learner)
    first_likert = course.evaluation_items.filter(kind="likert").first()
    response = client.post(reverse("courses:evaluation", args=[course.slug]), {f"item{first_likert.id}": "5"})
    assert response.status_code == 400
    assert "Please answer" in response.content.decode()
    assert f'value="5" id="i{first_likert.id}-5" checked' in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.evaluation_submitted_at is None and enrollment.completed_at is None


def test_expired_or_draft_courses_cannot_be_enrolled(client, learner):
    expired = build_course(slug="expired")
    expired.release_date = timezone.localdate() - timedelta(days=400)
    expired.expiry_date = timezone.localdate() - timedelta(days=1)
    expired.save()
    draft = build_course(slug="draft", status="draft")
    client.force_login(learner)
    assert client.post(reverse("courses:enroll", args=[expired.slug])).status_code == 403
    assert client.post(reverse("courses:enroll", args=[draft.slug])).status_code == 404
    assert not Enrollment.objects.exists()
    catalog = client.get(reverse("courses:catalog")).content.decode()
    assert expired.title not in catalog and draft.title not in catalog


@pytest.mark.parametrize(
    "method, scores, expected_passed",
    [
        ("highest", ["wrong", "right", "wrong"], True),
        ("last", ["wrong", "wrong", "right"], True),
        ("first", ["wrong", "right"], False),
        ("average", ["wrong", "right"], False),
    ],
)
def test_grading_methods_decide_the_post_test_grade(learner, method, scores, expected_passed):
    course = build_course(grading_method=method, passing_score_percent=60)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    for outcome in scores:
        enrollment.refresh_from_db()
        if enrollment.post_test_passed_at:
            break
        attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
        answers = wrong_answers(attempt) if outcome == "wrong" else correct_answers(attempt)
        services.attempt_submit(attempt=attempt, answers=answers)
    enrollment.refresh_from_db()
    assert (enrollment.post_test_passed_at is not None) is expected_passed


def test_average_grading_passes_once_the_average_reaches_the_passing_score(learner):
    course = build_course(grading_method="average", passing_score_percent=60)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    for answers in (wrong_answers, correct_answers, correct_answers):
        attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
        services.attempt_submit(attempt=attempt, answers=answers(attempt))
    enrollment.refresh_from_db()
    assert enrollment.post_test_passed_at is not None  # (0 + 100 + 100) / 3 = 66.67 ≥ 60


def test_weighted_multiple_answer_question_gives_partial_credit_and_never_below_zero(learner):
    course = build_course(bank=0, passing_score_percent=50)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    question = add_multiple_question(quiz, order=1, weights=(50, 50, -100))
    half, other_half, trap = question.options.order_by("order")
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)

    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    attempt = services.attempt_submit(attempt=attempt, answers={question.id: [half.id]})
    assert attempt.score_percent == Decimal("50.00") and attempt.passed

    course2 = build_course(slug="second", bank=0, passing_score_percent=100)
    quiz2 = course2.quizzes.get(kind=QuizKind.POST_TEST)
    q2 = add_multiple_question(quiz2, order=1, weights=(50, 50, -100))
    a, b, c = q2.options.order_by("order")
    enrollment2 = services.enrollment_create(user=learner, course=course2)
    complete_modules(enrollment2)
    attempt = services.attempt_start(enrollment=enrollment2, quiz=quiz2)
    attempt = services.attempt_submit(attempt=attempt, answers={q2.id: [a.id, c.id]})
    assert attempt.score_percent == 0
    attempt = services.attempt_start(enrollment=enrollment2, quiz=quiz2)
    attempt = services.attempt_submit(attempt=attempt, answers={q2.id: [a.id, b.id]})
    assert attempt.score_percent == 100


def test_true_false_question_is_graded(learner):
    from courses.models import Option, Question

    course = build_course(bank=0)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    question = Question.objects.create(quiz=quiz, order=1, type="true_false", stem="Safety first?")
    true = Option.objects.create(question=question, order=1, text="True", weight_percent=100)
    Option.objects.create(question=question, order=2, text="False", weight_percent=0)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    attempt = services.attempt_submit(attempt=attempt, answers={question.id: [true.id]})
    assert attempt.passed


def test_attempts_limit_is_enforced(client, learner):
    course = build_course(max_attempts=2)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    client.force_login(learner)
    for _ in range(2):
        attempt = _start(client, course)
        _post_answers(client, attempt, wrong_answers(attempt))
    response = client.post(reverse("courses:post_test", args=[course.slug]))
    assert response.status_code == 409
    assert "used all 2 attempts" in response.content.decode()
    assert Attempt.objects.count() == 2


def test_a_reload_resumes_the_same_frozen_draw_with_saved_answers(client, learner):
    course = build_course(bank=8, draw_count=4, shuffle=True)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    client.force_login(learner)
    attempt = _start(client, course)
    assert len(attempt.layout) == 4
    first_question = attempt.layout[0]["question"]
    chosen = attempt.layout[0]["options"][0]
    client.post(
        reverse("courses:attempt_answer", args=[attempt.pk, first_question]),
        as_posted(client, attempt, {first_question: [chosen]}),
        HTTP_HX_REQUEST="true",
    )
    again = _start(client, course)
    assert again.pk == attempt.pk
    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    shown = [int(q) for q in re.findall(r'id="stem-(\d+)"', page)]
    assert shown == attempt.question_ids
    checked = [choice.text for choice in attempt_page_choices(client, attempt)[first_question] if choice.is_checked]
    assert checked == [Option.objects.get(pk=chosen).text]


def test_time_limit_grades_only_answers_saved_in_time(learner):
    course = build_course(bank=2, time_limit_minutes=10, passing_score_percent=50)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    start = timezone.now()
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz, now=start)
    right = correct_answers(attempt)
    first, second = attempt.question_ids
    services.attempt_save_answer(
        attempt=attempt, question_id=first, option_ids=right[first], now=start + timedelta(minutes=5)
    )
    late = start + timedelta(minutes=15)
    with pytest.raises(Conflict, match="Time is up"):
        services.attempt_save_answer(attempt=attempt, question_id=second, option_ids=right[second], now=late)
    graded = services.attempt_submit(attempt=attempt, answers=right, now=late)
    assert graded.is_late
    assert graded.score_percent == Decimal("50.00"), "the answer sent after the deadline must not count"


def test_submitting_keeps_autosaved_answers_and_records_when_each_was_given(learner):
    course = build_course(bank=3, passing_score_percent=60)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    start = timezone.now()
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz, now=start)
    right, wrong = correct_answers(attempt), wrong_answers(attempt)
    first, second, third = attempt.question_ids
    services.attempt_save_answer(
        attempt=attempt, question_id=first, option_ids=right[first], now=start + timedelta(minutes=1)
    )
    services.attempt_save_answer(
        attempt=attempt, question_id=second, option_ids=wrong[second], now=start + timedelta(minutes=2)
    )
    # The form sends the second answer changed and the third; the first stays as autosaved.
    submitted_at = start + timedelta(minutes=3)
    graded = services.attempt_submit(
        attempt=attempt, answers={second: right[second], third: wrong[third]}, now=submitted_at
    )
    assert graded.score_percent == Decimal("66.67") and graded.passed
    saved = {answer.question_id: answer for answer in Answer.objects.filter(attempt=attempt)}
    assert saved[first].saved_at == start + timedelta(minutes=1) and saved[first].points == 1
    assert saved[second].saved_at == submitted_at and saved[second].selected_option_ids == right[second]
    assert saved[second].points == 1
    assert saved[third].saved_at == submitted_at and saved[third].points == 0


def test_time_limit_with_reject_policy_scores_a_late_attempt_zero(learner):
    course = build_course(bank=2, time_limit_minutes=10, late_submission_policy="reject")
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    start = timezone.now()
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz, now=start)
    graded = services.attempt_submit(
        attempt=attempt, answers=correct_answers(attempt), now=start + timedelta(minutes=11)
    )
    assert graded.is_late and graded.score_percent == 0 and graded.passed is False


def test_submission_within_the_grace_period_counts(learner):
    course = build_course(bank=2, time_limit_minutes=10, late_submission_policy="reject")
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    start = timezone.now()
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz, now=start)
    graded = services.attempt_submit(
        attempt=attempt, answers=correct_answers(attempt), now=start + timedelta(minutes=10, seconds=10)
    )
    assert not graded.is_late and graded.passed


@pytest.mark.parametrize(
    "policy, after_fail_shows, after_pass_shows",
    [
        ("score_only", False, False),
        ("after_pass", False, True),
        ("always", True, True),
    ],
)
def test_review_policy_controls_when_correct_answers_are_shown(
    client, learner, policy, after_fail_shows, after_pass_shows
):
    course = build_course(review_policy=policy)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    client.force_login(learner)
    failed = _start(client, course)
    _post_answers(client, failed, wrong_answers(failed))
    page = client.get(reverse("courses:attempt_result", args=[failed.pk])).content.decode()
    assert ("(correct)" in page) is after_fail_shows
    passed = _start(client, course)
    _post_answers(client, passed, correct_answers(passed))
    page = client.get(reverse("courses:attempt_result", args=[passed.pk])).content.decode()
    assert ("(correct)" in page) is after_pass_shows


def test_after_last_attempt_policy_reveals_answers_when_attempts_run_out(client, learner):
    course = build_course(review_policy="after_last_attempt", max_attempts=2)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    client.force_login(learner)
    first = _start(client, course)
    _post_answers(client, first, wrong_answers(first))
    assert "(correct)" not in client.get(reverse("courses:attempt_result", args=[first.pk])).content.decode()
    second = _start(client, course)
    _post_answers(client, second, wrong_answers(second))
    assert "(correct)" in client.get(reverse("courses:attempt_result", args=[second.pk])).content.decode()


def test_knowledge_check_gives_immediate_feedback_and_allows_retry(client, learner, course):
    enrollment = services.enrollment_create(user=learner, course=course)
    services.disclosures_acknowledge(enrollment=enrollment)
    client.force_login(learner)
    module = course.modules.get(order=1)
    question = module.knowledge_check.questions.get()
    right, wrong = question.options.order_by("order")
    url = reverse("courses:knowledge_check_answer", args=[course.slug, 1, question.id])
    response = client.post(url, {f"q{question.id}": wrong.id}, HTTP_HX_REQUEST="true")
    assert "Not quite" in response.content.decode() and "No FEEDBACK" in response.content.decode()
    assert "<html" not in response.content.decode(), "htmx gets a fragment, not a page"
    response = client.post(url, {f"q{question.id}": right.id}, HTTP_HX_REQUEST="true")
    assert "Correct." in response.content.decode()
    assert not Attempt.objects.exists(), "knowledge checks are formative and never graded toward credit"


def test_service_refuses_to_start_after_passing(learner, course):
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    with pytest.raises(Conflict):
        services.attempt_start(enrollment=enrollment, quiz=quiz)


def test_module_complete_needs_acknowledged_disclosures(learner, course):
    enrollment = services.enrollment_create(user=learner, course=course)
    with pytest.raises(NotAllowedYet):
        services.module_complete(enrollment=enrollment, module=course.modules.get(order=1))
    assert not Answer.objects.exists() and not ModuleProgress.objects.exists()
