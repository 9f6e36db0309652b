"""Item statistics checked against values worked out by hand.

Five learners, four single-answer questions (1 = right, 0 = wrong, – = not answered):

            Q1  Q2  Q3  Q4   right  score
    L1       1   0   0   1     2     50 %
    L2       1   1   1   1     4    100 %
    L3       1   0   1   1     3     75 %
    L4       1   –   0   1     2     50 %
    L5       0   0   1   1     2     50 %

Difficulty: Q1 4/5 = 0.8, Q2 1/5 = 0.2, Q3 3/5 = 0.6, Q4 5/5 = 1.0.

Point-biserial against the rest of the test (score without the question itself), with
r = (nΣxy − ΣxΣy) / √((nΣx − (Σx)²)(nΣy² − (Σy)²)) and y in questions right elsewhere:
    Q1: y = 1,3,2,1,2  → (5·7 − 4·9) / √((20 − 16)(5·19 − 81)) = −1/√56 = −0.134
    Q2: y = 2,3,3,2,2  → (5·3 − 1·12) / √((5 − 1)(5·30 − 144)) = 3/√24  =  0.612
    Q3: y = 2,3,2,2,1  → (5·6 − 3·10) / …                         =  0
    Q4: everyone right, so x does not vary: no correlation.

Upper/lower 27 %: 27 % of 5 attempts is 1 (rounded down). Upper = L2 (100 %); lower = L5
(50 %, tied with L1 and L4, the latest attempt id goes last). D = right in upper − right in
lower: Q1 1 − 0 = 1, Q2 1 − 0 = 1, Q3 1 − 1 = 0, Q4 1 − 1 = 0.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Answer, Attempt, Enrollment, QuizKind
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

ANSWERS = [  # per learner, per question: 1 right, 0 wrong, None not answered
    [1, 0, 0, 1],
    [1, 1, 1, 1],
    [1, 0, 1, 1],
    [1, None, 0, 1],
    [0, 0, 1, 1],
]
SUBMITTED = timezone.make_aware(datetime(2026, 2, 10, 9))


def _attempt(enrollment, quiz, questions, marks, *, number=1, submitted=SUBMITTED):
    layout = [
        {"question": question.id, "options": [option.id for option in question.options.all()]} for question in questions
    ]
    score = Decimal(100 * sum(mark or 0 for mark in marks)) / len(questions)
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        quiz=quiz,
        number=number,
        started_at=submitted,
        submitted_at=submitted,
        layout=layout,
        score_percent=score.quantize(Decimal("0.01")),
        passed=score >= 80,
    )
    for question, mark in zip(questions, marks, strict=True):
        if mark is None:
            continue
        option = question.options.get(weight_percent=100 if mark else 0)
        Answer.objects.create(attempt=attempt, question=question, selected_option_ids=[option.id], points=mark)
    return attempt


@pytest.fixture
def graded_course():
    course = build_course(slug="item-bank", modules=1, bank=4, knowledge_checks=False)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    questions = list(quiz.questions.order_by("order"))
    enrollments = []
    for marks in ANSWERS:
        enrollment = Enrollment.objects.create(user=ProfileFactory().user, course=course)
        _attempt(enrollment, quiz, questions, marks)
        enrollments.append(enrollment)
    return course, quiz, questions, enrollments


def _analysis(client, course, **query):
    response = client.get(reverse("reports:items", args=[course.slug]), query)
    assert response.status_code == 200
    return response.context["analysis"]


def test_difficulty_is_the_share_of_attempts_fully_right(admin_browser, graded_course):
    analysis = _analysis(admin_browser, graded_course[0])

    assert analysis.attempts == 5
    assert [item.difficulty for item in analysis.items] == [0.8, 0.2, 0.6, 1.0]
    assert [(item.presented, item.answered) for item in analysis.items][1] == (5, 4)


def test_point_biserial_correlates_each_question_with_the_rest_of_the_test(admin_browser, graded_course):
    analysis = _analysis(admin_browser, graded_course[0])

    r = [item.point_biserial for item in analysis.items]
    assert r[0] == pytest.approx(-0.1336, abs=0.002)
    assert r[1] == pytest.approx(0.6124, abs=0.002)
    assert r[2] == pytest.approx(0.0, abs=0.002)
    assert r[3] is None


def test_upper_lower_index_compares_the_best_and_weakest_27_percent(admin_browser, graded_course):
    analysis = _analysis(admin_browser, graded_course[0])

    assert analysis.group_size == 1
    assert [item.upper_lower_index for item in analysis.items] == [1.0, 1.0, 0.0, 0.0]


def test_option_counts_show_how_often_each_option_was_chosen(admin_browser, graded_course):
    analysis = _analysis(admin_browser, graded_course[0])

    q2 = analysis.items[1]
    assert [(row.option.text, row.chosen, row.is_correct) for row in q2.options] == [
        ("Right answer", 1, True),
        ("Wrong answer", 3, False),
    ]
    q3 = analysis.items[2]
    assert [(row.chosen, row.chosen_upper, row.chosen_lower) for row in q3.options] == [(3, 1, 1), (2, 0, 0)]


def test_questions_that_need_attention_are_flagged_on_the_page(admin_browser, graded_course):
    course = graded_course[0]
    analysis = _analysis(admin_browser, course)

    assert [item.flags for item in analysis.items] == [["Negative discrimination"], ["Too hard"], [], ["Too easy"]]
    html = admin_browser.get(reverse("reports:items", args=[course.slug])).content.decode()
    assert "3 questions to review" in html
    assert '<svg class="chart" id="item-map" role="img"' in html


def test_only_first_attempts_count_unless_every_attempt_is_asked_for(admin_browser, graded_course):
    course, quiz, questions, enrollments = graded_course
    _attempt(enrollments[0], quiz, questions, [1, 1, 1, 1], number=2)

    assert _analysis(admin_browser, course).attempts == 5
    every = _analysis(admin_browser, course, attempts="all")
    assert every.attempts == 6
    assert every.items[1].difficulty == pytest.approx(2 / 6)


def test_period_keeps_attempts_submitted_in_it(admin_browser, graded_course):
    course = graded_course[0]

    assert _analysis(admin_browser, course, date_from="2026-02-10", date_to="2026-02-10").attempts == 5
    assert _analysis(admin_browser, course, date_from="2026-02-11").attempts == 0


def test_a_question_with_a_title_is_named_by_it_on_the_page(admin_browser, graded_course):
    course, quiz, questions, enrollments = graded_course
    questions[1].title = "Wait time"
    questions[1].save(update_fields=["title"])

    html = admin_browser.get(reverse("reports:items", args=[course.slug])).content.decode()

    assert '<h2 id="question-2-heading">Question 2: Wait time</h2>' in html
    assert '<h2 id="question-1-heading">Question 1</h2>' in html
    assert '<a href="#question-2">Question 2 (Wait time)</a>: Too hard' in html
    assert '<a href="#question-2">2</a> <span class="item-title">Wait time</span></th>' in html
