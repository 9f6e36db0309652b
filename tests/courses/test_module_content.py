"""The module page keeps its content cached; every change an author makes shows at once,
and each learner's forms still carry their own CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import Option, Question
from tests.courses.conftest import add_single_question

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
