"""Once a learner has submitted a post-test, what decides its scores cannot change (the rule
itself, as every writer meets it; the admin pages are in test_admin_authoring.py)."""

from decimal import Decimal

import pytest

from courses import authoring_services, services
from courses.errors import GradedContentLocked
from courses.models import Option, Question, QuestionType, Quiz, QuizKind
from tests.courses.conftest import build_course, complete_modules, correct_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post_test_taken(*, submitted: bool = True) -> Quiz:
    course = build_course(bank=2, knowledge_checks=False)
    enrollment = services.enrollment_create(user=UserFactory(), course=course)
    complete_modules(enrollment)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    if submitted:
        services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    return quiz


def test_a_new_correct_answer_is_refused_once_a_learner_has_submitted():
    quiz = post_test_taken()
    right, wrong = Question.objects.get(quiz=quiz, order=1).options.order_by("order")
    right.weight_percent, wrong.weight_percent = Decimal("0"), Decimal("100")

    with pytest.raises(GradedContentLocked, match="graded fields are locked so their scores stay true"):
        authoring_services.graded_content_guard(saving=[right, wrong])

    assert list(Question.objects.get(quiz=quiz, order=1).options.values_list("weight_percent", flat=True)) == [100, 0]


@pytest.mark.parametrize("change", ["question type", "draw count", "new option"])
def test_other_changes_to_scoring_are_refused_once_a_learner_has_submitted(change):
    quiz = post_test_taken()
    question = Question.objects.get(quiz=quiz, order=1)
    if change == "question type":
        question.type = QuestionType.MULTIPLE
        edited = question
    elif change == "draw count":
        quiz.draw_count = 1
        edited = quiz
    else:
        edited = Option(question=question, order=3, text="A third answer", weight_percent=Decimal("0"))

    with pytest.raises(GradedContentLocked):
        authoring_services.graded_content_guard(saving=[edited])


@pytest.mark.parametrize("deleted", ["question", "option"])
def test_graded_questions_and_options_cannot_be_deleted_once_a_learner_has_submitted(deleted):
    quiz = post_test_taken()
    question = Question.objects.get(quiz=quiz, order=1)

    with pytest.raises(GradedContentLocked, match="(?i)add a new question instead"):
        authoring_services.graded_content_guard(
            deleting=[question if deleted == "question" else question.options.first()]
        )


def test_wording_feedback_and_explanations_stay_editable_after_attempts():
    quiz = post_test_taken()
    question = Question.objects.get(quiz=quiz, order=1)
    question.stem, question.explanation = "Reworded stem?", "A clearer explanation."
    option = question.options.first()
    option.text, option.feedback = "Right answer, reworded", "Yes, and here is why."

    authoring_services.graded_content_guard(saving=[question, option])


def test_an_attempt_still_in_progress_does_not_lock_the_post_test():
    quiz = post_test_taken(submitted=False)
    right, wrong = Question.objects.get(quiz=quiz, order=1).options.order_by("order")
    right.weight_percent, wrong.weight_percent = Decimal("0"), Decimal("100")

    authoring_services.graded_content_guard(saving=[right, wrong], deleting=[Question.objects.get(quiz=quiz, order=2)])
    assert not authoring_services.quiz_is_locked(quiz.pk)
