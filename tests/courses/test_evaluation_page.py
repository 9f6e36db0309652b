"""A refused evaluation tells the learner, question by question and beside each question,
what still needs an answer, in a way a screen reader ties to the controls."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import EvaluationResponse, QuizKind
from tests.courses.conftest import complete_modules, correct_answers
from tests.markup import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(learner, course):
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    return enrollment


def _controls_of(document, item):
    if item.kind == "likert":
        return [document.by_id(f"i{item.id}-{value}") for value in range(1, 6)]
    return [document.by_id(f"i{item.id}")]


def test_each_unanswered_question_gets_its_own_error_beside_it_tied_to_its_controls(client, learner, course, passed):
    client.force_login(learner)
    items = list(course.evaluation_items.order_by("order"))
    answered = items[0]
    response = client.post(reverse("courses:evaluation", args=[course.slug]), {f"item{answered.id}": "4"})
    assert response.status_code == 400
    document = parse(response.content)

    unanswered = [item for item in items if item.is_required and item is not answered]
    assert len(unanswered) == 4
    errors = [element for element in document.iter("p") if "error" in (element.get("class") or "").split()]
    assert len(errors) == len(unanswered), "one error per unanswered question, not one paragraph for all"
    for item in unanswered:
        error = document.by_id(f"i{item.id}-error")
        assert error is not None and "Please answer" in error.text
        assert item.prompt not in error.text, "the error sits by its question and need not repeat it"
        controls = _controls_of(document, item)
        for control in controls:
            assert control.get("aria-invalid") == "true"
            assert control.described_by(document) == [error]
        # Beside its question: inside the same fieldset (scale) or field (free text).
        if item.kind == "likert":
            question = next(ancestor for ancestor in controls[0].ancestors() if ancestor.tag == "fieldset")
        else:
            question = controls[0].parent
        assert error.parent is question
    for item in [answered] + [item for item in items if not item.is_required]:
        assert document.by_id(f"i{item.id}-error") is None
        assert all(control.get("aria-invalid") is None for control in _controls_of(document, item))

    summary = next(element for element in document.iter("div") if element.get("role") == "alert")
    assert "4 questions need an answer" in summary.text
    assert [link.get("href") for link in summary.iter("a")] == [
        f"#i{item.id}-1" if item.kind == "likert" else f"#i{item.id}" for item in unanswered
    ]
    assert not EvaluationResponse.objects.exists()
    passed.refresh_from_db()
    assert passed.evaluation_submitted_at is None


def test_an_out_of_range_rating_is_refused_beside_its_question(client, learner, course, passed):
    client.force_login(learner)
    data = {
        f"item{item.id}": ("4" if item.kind == "likert" else "More discussion.")
        for item in course.evaluation_items.all()
    }
    tampered = course.evaluation_items.filter(kind="likert").first()
    data[f"item{tampered.id}"] = "9"
    response = client.post(reverse("courses:evaluation", args=[course.slug]), data)
    assert response.status_code == 400
    document = parse(response.content)
    assert "from 1 to 5" in document.by_id(f"i{tampered.id}-error").text
    errors = [element for element in document.iter("p") if "error" in (element.get("class") or "").split()]
    assert len(errors) == 1
