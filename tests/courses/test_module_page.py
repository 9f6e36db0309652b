"""The module page is rendered once and served to many learners: every change an author
makes still shows at once, each learner sees their own progress, and each learner's forms
carry their own CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import Course, Module, Option, Question, QuizKind
from tests.courses.conftest import add_single_question, build_course, complete_modules, correct_answers, wrong_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading(client, learner, course):
    enrollment = services.enrollment_create(user=learner, course=course)
    services.disclosures_acknowledge(enrollment=enrollment)
    client.force_login(learner)
    return enrollment


def _page(client, course, order=1) -> str:
    response = client.get(reverse("courses:module", args=[course.slug, order]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_edited_module_body_shows_on_the_next_view(client, reading, course):
    assert "Body of module 1." in _page(client, course)
    module = course.modules.get(order=1)
    module.body = "A **revised** body."
    module.save()
    page = _page(client, course)
    assert "A <strong>revised</strong> body." in page
    assert "Body of module 1." not in page


def test_knowledge_check_edits_show_on_the_next_view(client, reading, course):
    assert "Check for module 1?" in _page(client, course)
    check = course.modules.get(order=1).knowledge_check
    option = Option.objects.filter(question__quiz=check).order_by("order").first()
    option.text = "A reworded option"
    option.save()
    assert "A reworded option" in _page(client, course)

    add_single_question(check, order=2, stem="A question added later?")
    assert "A question added later?" in _page(client, course)

    Question.objects.get(quiz=check, order=1).delete()
    page = _page(client, course)
    assert "Check for module 1?" not in page
    assert "A question added later?" in page


def test_a_renamed_course_sends_its_knowledge_checks_to_the_new_address(client, reading, course):
    _page(client, course)
    course.slug = "renamed-course"
    course.save()
    page = _page(client, course)
    assert 'action="/courses/renamed-course/modules/1/check/' in page
    assert "/courses/inclusive-rounds/" not in page


def test_every_form_carries_the_learners_own_token_and_posts_without_javascript(learner, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    services.disclosures_acknowledge(enrollment=services.enrollment_create(user=learner, course=course))
    page = _page(client, course)
    assert "placeholder" not in page
    form = re.search(r'<form class="question" method="post" action="([^"]+)".*?'
                     r'name="csrfmiddlewaretoken" value="([^"]+)".*?name="(q\d+)" value="(\d+)"', page, re.S)
    action, token, field, option = form.groups()
    response = client.post(action, {"csrfmiddlewaretoken": token, field: option})
    assert response.status_code == 200
    assert re.search(r'class="feedback-(correct|incorrect)" role="status"', response.content.decode())


def _without_tokens(page: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1TOKEN", page)


def _tokens(page: str) -> set[str]:
    return set(re.findall(r'csrfmiddlewaretoken" value="([^"]+)"', page))


def _learner_reading(course, email: str, *, complete_first: bool) -> Client:
    user = UserFactory(email=email)
    enrollment = services.enrollment_create(user=user, course=course)
    services.disclosures_acknowledge(enrollment=enrollment)
    if complete_first:
        services.module_complete(enrollment=enrollment, module=course.modules.get(order=1))
    client = Client()
    client.force_login(user)
    return client


def test_learners_at_the_same_point_share_a_page_but_never_a_token(course):
    first = _page(_learner_reading(course, "a@example.org", complete_first=False), course)
    second = _page(_learner_reading(course, "b@example.org", complete_first=False), course)
    assert _without_tokens(first) == _without_tokens(second)
    assert _tokens(first) and _tokens(second) and not _tokens(first) & _tokens(second)


def test_learners_at_different_points_see_their_own_progress(course):
    behind = _learner_reading(course, "behind@example.org", complete_first=False)
    ahead = _learner_reading(course, "ahead@example.org", complete_first=True)
    assert "Mark complete and continue" in _page(behind, course)
    page = _page(ahead, course)
    assert "You completed this module" in page and "Mark complete and continue" not in page
    assert "(complete)" in page
    assert "Mark complete and continue" in _page(behind, course)


def _learner_after_the_post_test(course, email: str, *, passed: bool) -> Client:
    user = UserFactory(email=email)
    enrollment = services.enrollment_create(user=user, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    services.attempt_submit(attempt=attempt, answers=(correct_answers if passed else wrong_answers)(attempt))
    client = Client()
    client.force_login(user)
    return client


def test_a_learner_who_passed_is_never_shown_to_one_who_did_not(course):
    passed = _learner_after_the_post_test(course, "passed@example.org", passed=True)
    failed = _learner_after_the_post_test(course, "failed@example.org", passed=False)
    page = _page(passed, course)
    assert "(passed)" in page and 'href="/courses/inclusive-rounds/evaluation/"' in page
    # Same modules complete, same module open: only the post-test outcome differs.
    page = _page(failed, course)
    assert "(passed)" not in page and "(locked)" in page


def test_staff_see_their_own_navigation_on_a_page_learners_share(course):
    _page(_learner_reading(course, "learner2@example.org", complete_first=False), course)
    staff = UserFactory(email="staff@example.org", is_staff=True)
    services.disclosures_acknowledge(enrollment=services.enrollment_create(user=staff, course=course))
    client = Client()
    client.force_login(staff)
    assert ">Admin</a>" in _page(client, course)


def test_a_renamed_course_shows_its_new_title(client, reading, course):
    _page(client, course)
    course.title = "Teaching on inclusive rounds"
    course.save()
    assert "<strong>Teaching on inclusive rounds</strong>" in _page(client, course)


def test_saving_a_course_read_before_an_edit_does_not_bring_old_content_back(client, reading, course):
    assert "Body of module 1." in _page(client, course)
    read_before = Course.objects.get(pk=course.pk)
    module = course.modules.get(order=1)
    module.body = "The corrected body."
    module.save()
    assert "The corrected body." in _page(client, course)
    read_before.summary = "A new summary, saved from an older copy."
    read_before.save()
    assert "The corrected body." in _page(client, course)


def test_a_question_moved_to_another_course_leaves_the_page_it_was_on(client, reading, course):
    assert "Check for module 1?" in _page(client, course)
    other = build_course(slug="another-course")
    question = Question.objects.get(quiz=course.modules.get(order=1).knowledge_check)
    question.quiz = other.modules.get(order=1).knowledge_check
    question.save()
    assert "Check for module 1?" not in _page(client, course)


def test_reordered_modules_show_their_own_content_at_their_new_place(client, reading, course):
    for order in (1, 2):
        services.module_complete(enrollment=reading, module=course.modules.get(order=order))
        _page(client, course, order=order)
    first, second = course.modules.get(order=1), course.modules.get(order=2)
    # As the admin's reorder does it: park, then move, without saving each module.
    Module.objects.filter(pk=first.pk).update(order=99)
    Module.objects.filter(pk=second.pk).update(order=1)
    Module.objects.filter(pk=first.pk).update(order=2)
    assert "Body of module 2." in _page(client, course, order=1)
    page = _page(client, course, order=2)
    assert "Body of module 1." in page
    assert f'action="/courses/{course.slug}/modules/2/check/' in page


def test_author_text_cannot_pull_a_learners_token_into_a_link(client, reading, course):
    module = course.modules.get(order=1)
    module.body = ("[help](https://example.org/?t=csrf-token-placeholder-7d1c) "
                   "[more](https://example.org/?t=placeholder-csrf)")
    module.save()
    page = _page(client, course)
    links = re.findall(r'href="(https://example\.org/[^"]*)"', page)
    assert links == ["https://example.org/?t=csrf-token-placeholder-7d1c", "https://example.org/?t=placeholder-csrf"]
    for token in _tokens(page):
        assert token not in " ".join(links)
