"""Post-test autosave over HTTP: each choice saves its own question, and only that one."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Answer, Attempt, Option, QuizKind
from tests.courses.conftest import (
    add_multiple_question,
    add_single_question,
    as_posted,
    attempt_page_choices,
    build_course,
    complete_modules,
    correct_answers,
)
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _open_attempt(learner, **course_options) -> Attempt:
    course = build_course(**course_options)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    return services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))


def _autosave_of_each_question(page: str) -> dict[int, tuple[str, str]]:
    """What the attempt page tells htmx for each question: the address it posts to, and the only
    field it may send (htmx otherwise adds every field of the enclosing submit form)."""
    found = {}
    for tag in re.findall(r"<fieldset[^>]*>", page):
        question_id = int(re.search(r'aria-labelledby="stem-(\d+)"', tag).group(1))
        url = re.search(r'hx-post="([^"]+)"', tag)
        params = re.search(r'hx-params="([^"]+)"', tag)
        found[question_id] = (unescape(url.group(1)) if url else "", params.group(1) if params else "")
    return found


def _save(client, attempt, question_id, data):
    return client.post(reverse("courses:attempt_answer", args=[attempt.pk, question_id]), data, **HTMX)


def test_answering_every_question_one_by_one_keeps_all_of_them_for_the_reload_and_the_grade(client, learner):
    attempt = _open_attempt(learner, bank=10, shuffle=True)
    client.force_login(learner)
    page_url = reverse("courses:attempt", args=[attempt.pk])
    autosaves = _autosave_of_each_question(client.get(page_url).content.decode())
    assert sorted(autosaves) == sorted(attempt.question_ids)

    right = correct_answers(attempt)
    ticked = as_posted(client, attempt, right)
    for question_id in attempt.question_ids:
        url, only_field = autosaves[question_id]
        assert only_field == f"q{question_id}", "the autosave must send this question's field alone"
        response = client.post(url, {only_field: ticked[only_field]}, **HTMX)
        assert response.status_code == 200
        assert "Answer saved." in response.content.decode()

    saved = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "selected_option_ids"))
    assert saved == right
    reloaded = attempt_page_choices(client, attempt)
    for question_id, (option_id,) in right.items():
        checked = [choice for choice in reloaded[question_id] if choice.is_checked]
        assert [choice.text for choice in checked] == [Option.objects.get(pk=option_id).text]

    # Submitting the form as it stands after the reload grades all ten.
    client.post(
        reverse("courses:attempt_submit", args=[attempt.pk]),
        {
            f"q{question_id}": [choice.value for choice in choices if choice.is_checked]
            for question_id, choices in reloaded.items()
        },
    )
    attempt.refresh_from_db()
    assert attempt.score_percent == 100 and attempt.passed


def test_a_save_that_names_several_questions_is_refused_and_saves_nothing(client, learner):
    attempt = _open_attempt(learner, bank=3)
    client.force_login(learner)
    first, second, _ = attempt.question_ids
    right = as_posted(client, attempt, correct_answers(attempt))
    response = _save(client, attempt, first, {f"q{first}": right[f"q{first}"], f"q{second}": right[f"q{second}"]})
    assert response.status_code == 400
    assert "Save one question&#x27;s answer at a time." in response.content.decode()
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_save_for_one_question_never_touches_another(client, learner):
    attempt = _open_attempt(learner, bank=3)
    client.force_login(learner)
    first, second, _ = attempt.question_ids
    right = correct_answers(attempt)
    ticked = as_posted(client, attempt, right)
    assert _save(client, attempt, first, {f"q{first}": ticked[f"q{first}"]}).status_code == 200
    assert _save(client, attempt, second, {f"q{second}": ticked[f"q{second}"]}).status_code == 200
    saved = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "selected_option_ids"))
    assert saved == {first: right[first], second: right[second]}


def test_unticking_every_box_of_a_multiple_answer_question_saves_it_blank(client, learner):
    course = build_course(bank=0)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    question = add_multiple_question(quiz, order=1)
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    client.force_login(learner)
    first_option = question.options.order_by("order").first()

    assert (
        _save(client, attempt, question.id, as_posted(client, attempt, {question.id: [first_option.id]})).status_code
        == 200
    )
    # Unticked boxes send nothing: the address alone says which question is now blank.
    assert _save(client, attempt, question.id, {}).status_code == 200
    assert Answer.objects.get(attempt=attempt, question=question).selected_option_ids == []
    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert " checked" not in page


def test_a_multiple_answer_question_offers_checkboxes_and_a_single_answer_one_radio_buttons(client, learner):
    course = build_course(bank=0)
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    several = add_multiple_question(quiz, order=1)
    one = add_single_question(quiz, order=2, stem="Pick one?")
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
    client.force_login(learner)

    page = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()

    def controls(question):
        return set(re.findall(rf'<input type="(\w+)" name="q{question.id}"', page))

    assert controls(several) == {"checkbox"}
    assert controls(one) == {"radio"}
    stems = {int(q): text for q, text in re.findall(r'<div id="stem-(\d+)" class="stem">(.*?)</div>', page, re.S)}
    assert "choose all that apply" in stems[several.id]
    assert "choose all that apply" not in stems[one.id]


def test_a_save_for_a_question_outside_the_attempt_is_refused(client, learner):
    attempt = _open_attempt(learner, bank=2)
    other = _open_attempt(learner, slug="another-course", bank=1)
    client.force_login(learner)
    stranger = other.question_ids[0]
    response = _save(client, attempt, stranger, as_posted(client, other, {stranger: correct_answers(other)[stranger]}))
    assert response.status_code == 400
    assert f"Question {stranger} is not part of this attempt." in response.content.decode()
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_save_after_the_time_limit_is_a_409_with_the_reason_and_keeps_the_earlier_answer(client, learner):
    attempt = _open_attempt(learner, bank=2, time_limit_minutes=10)
    client.force_login(learner)
    first = attempt.question_ids[0]
    right = correct_answers(attempt)
    wrong_option = next(option for option in attempt.layout[0]["options"] if option not in right[first])
    wrong = as_posted(client, attempt, {first: [wrong_option]})
    assert _save(client, attempt, first, as_posted(client, attempt, {first: right[first]})).status_code == 200
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=1))

    response = _save(client, attempt, first, wrong)
    assert response.status_code == 409
    assert "Time is up for this attempt" in response.content.decode()
    assert Answer.objects.get(attempt=attempt, question_id=first).selected_option_ids == right[first]


@pytest.mark.parametrize("tamper", ["the option's id", "its value in another learner's attempt", "a made-up value"])
def test_a_save_with_a_value_the_page_did_not_offer_is_refused_and_saves_nothing(client, learner, tamper):
    attempt = _open_attempt(learner, bank=2)
    first = attempt.question_ids[0]
    right_option = correct_answers(attempt)[first][0]
    if tamper == "the option's id":
        value = str(right_option)
    elif tamper == "its value in another learner's attempt":
        other_learner = ProfileFactory().user
        enrollment = services.enrollment_create(user=other_learner, course=attempt.enrollment.course)
        complete_modules(enrollment)
        other = services.attempt_start(enrollment=enrollment, quiz=attempt.quiz)
        client.force_login(other_learner)
        (value,) = as_posted(client, other, {first: [right_option]})[f"q{first}"]
    else:
        value = "aaaaaaaaaaaa"
    client.force_login(learner)

    response = _save(client, attempt, first, {f"q{first}": [value]})
    assert response.status_code == 400
    assert (
        f"An answer to question {first} is not one of the options shown in this attempt." in response.content.decode()
    )
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_page_served_before_the_secret_key_was_rotated_still_saves_its_answers(client, learner, settings):
    attempt = _open_attempt(learner, bank=2)
    client.force_login(learner)
    first = attempt.question_ids[0]
    right = correct_answers(attempt)
    ticked = as_posted(client, attempt, right)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-" + "x" * 40
    client.force_login(learner)  # the rotation signed the session out

    assert _save(client, attempt, first, {f"q{first}": ticked[f"q{first}"]}).status_code == 200
    assert Answer.objects.get(attempt=attempt, question_id=first).selected_option_ids == right[first]
    settings.SECRET_KEY_FALLBACKS = []
    response = _save(client, attempt, first, {f"q{first}": ticked[f"q{first}"]})
    assert response.status_code == 400, "without the old key, its values mean nothing"
