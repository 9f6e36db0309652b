"""Every change an author makes in the admin to what a module page shows reaches learners
on their next view, although the page's content is served from the cache: a module's body,
a knowledge-check question or option, a quiz or a question moved to another course."""

import pytest
from django.contrib import admin
from django.urls import reverse

from courses import authoring_services, services
from courses.admin import CourseAdmin
from courses.models import Course, Module, Question
from tests.courses.conftest import build_course
from tests.courses.test_admin_authoring import change_form_data, form_errors, signed_in, staff_member
from tests.courses.test_module_page import content_is_cached, learner_reading, page_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    user, _ = staff_member("author@example.org", "Course authors")
    return signed_in(user)


@pytest.fixture
def reader(course):
    return learner_reading(course, "reader@example.org", complete_first=True)


def inline_key(data: dict, row, field: str) -> str:
    """The posted name of `field` in the inline form of this row (a module, an option)."""
    inline = type(row).__name__.lower() + "s-"
    prefix = next(
        key[:-3]
        for key, value in data.items()
        if key.startswith(inline) and key.endswith("-id") and value == str(row.pk)
    )
    return f"{prefix}-{field}"


def admin_save(client, url: str, change) -> None:
    data = change_form_data(client.get(url))
    change(data)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)


def course_page_url(course) -> str:
    return reverse("admin:courses_course_change", args=[course.pk])


def question_page_url(question) -> str:
    return reverse("admin:courses_question_change", args=[question.pk])


def test_an_edited_module_body_shows_on_the_next_view(author, reader, course):
    assert "Body of module 1." in page_of(reader, course)
    assert content_is_cached(course)
    module = course.modules.get(order=1)
    admin_save(
        author,
        course_page_url(course),
        lambda data: data.update({inline_key(data, module, "body"): "A **revised** body."}),
    )
    page = page_of(reader, course)
    assert "A <strong>revised</strong> body." in page and "Body of module 1." not in page


def test_a_renamed_module_shows_its_new_title_in_every_learners_navigation(author, reader, course):
    assert "Module 2" in page_of(reader, course)
    module = course.modules.get(order=2)
    admin_save(
        author,
        course_page_url(course),
        lambda data: data.update({inline_key(data, module, "title"): "Feedback on rounds"}),
    )
    page = page_of(reader, course)
    assert "Feedback on rounds" in page and "Module 2<" not in page


def test_an_edited_question_and_option_show_on_the_next_view(author, reader, course):
    assert "Check for module 1?" in page_of(reader, course)
    question = Question.objects.get(quiz__module__course=course, quiz__module__order=1)
    option = question.options.get(order=1)

    def reword(data):
        data["stem"] = "A reworded check?"
        data[inline_key(data, option, "text")] = "A reworded option"

    admin_save(author, question_page_url(question), reword)
    page = page_of(reader, course)
    assert "A reworded check?" in page and "A reworded option" in page and "Check for module 1?" not in page


def test_a_question_added_to_or_deleted_from_a_knowledge_check_shows_on_the_next_view(author, reader, course):
    check = course.modules.get(order=1).knowledge_check
    first = check.questions.get()
    page_of(reader, course)
    add_url = reverse("admin:courses_question_add")
    data = change_form_data(author.get(add_url))
    data.update(
        {
            "quiz": str(check.pk),
            "order": "2",
            "type": "single",
            "stem": "A question added later?",
            "options-0-order": "1",
            "options-0-text": "Yes",
            "options-0-weight_percent": "100",
            "options-1-order": "2",
            "options-1-text": "No",
            "options-1-weight_percent": "0",
        }
    )
    response = author.post(add_url, data)
    assert response.status_code == 302, form_errors(response)
    assert "A question added later?" in page_of(reader, course)

    response = author.post(reverse("admin:courses_question_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302
    page = page_of(reader, course)
    assert "Check for module 1?" not in page and "A question added later?" in page


def test_a_question_moved_to_another_course_leaves_the_page_it_was_on_and_joins_the_other(author, reader, course):
    other = build_course(slug="another-course")
    other_reader = learner_reading(other, "other@example.org")
    question = Question.objects.get(quiz__module__course=course, quiz__module__order=1)
    assert "Check for module 1?" in page_of(reader, course)
    assert page_of(other_reader, other).count("Check for module 1?") == 1

    target = other.modules.get(order=1).knowledge_check
    admin_save(author, question_page_url(question), lambda data: data.update(quiz=str(target.pk)))

    assert "Check for module 1?" not in page_of(reader, course)
    assert page_of(other_reader, other).count("Check for module 1?") == 2


def test_a_knowledge_check_moved_to_another_module_shows_there_at_once(author, reader, course):
    services.module_complete(enrollment=course.enrollments.get(), module=course.modules.get(order=2))
    assert "Check for module 1?" in page_of(reader, course, order=1)
    assert "Check for module 1?" not in page_of(reader, course, order=3)
    course.modules.get(order=3).knowledge_check.delete()
    check = course.modules.get(order=1).knowledge_check
    admin_save(
        author,
        reverse("admin:courses_quiz_change", args=[check.pk]),
        lambda data: data.update(module=str(course.modules.get(order=3).pk)),
    )
    assert "Check for module 1?" not in page_of(reader, course, order=1)
    assert "Check for module 1?" in page_of(reader, course, order=3)


def test_a_renamed_course_shows_its_new_title_and_sends_its_checks_to_its_new_address(author, reader, course):
    page_of(reader, course)

    def rename(data):
        data.update(slug="renamed-course", title="Teaching on inclusive rounds")

    admin_save(author, course_page_url(course), rename)
    course = Course.objects.get(pk=course.pk)
    page = page_of(reader, course)
    assert "<strong>Teaching on inclusive rounds</strong>" in page
    assert 'action="/courses/renamed-course/modules/1/check/' in page
    assert "/courses/inclusive-rounds/" not in page


def test_modules_swapped_in_the_admin_show_their_own_content_at_their_new_place(author, reader, course):
    services.module_complete(enrollment=course.enrollments.get(), module=course.modules.get(order=2))
    for order in (1, 2):
        page_of(reader, course, order=order)
    first, second = course.modules.get(order=1), course.modules.get(order=2)

    def swap(data):
        data[inline_key(data, first, "order")], data[inline_key(data, second, "order")] = "2", "1"

    admin_save(author, course_page_url(course), swap)
    assert "Body of module 2." in page_of(reader, course, order=1)
    page = page_of(reader, course, order=2)
    assert "Body of module 1." in page
    assert f'action="/courses/{course.slug}/modules/2/check/' in page


def test_an_edit_refused_by_the_admin_changes_nothing_learners_see(author, reader, course):
    page_of(reader, course)
    revision = Course.objects.get(pk=course.pk).content_revision
    module = course.modules.get(order=1)
    url = course_page_url(course)
    data = change_form_data(author.get(url))
    data[inline_key(data, module, "body")] = "Never saved."
    data[inline_key(data, module, "order")] = "7"  # a gap: refused
    assert author.post(url, data).status_code == 200
    assert Course.objects.get(pk=course.pk).content_revision == revision
    assert Module.objects.get(pk=module.pk).body == "Body of module 1."
    assert "Never saved." not in page_of(reader, course)


def test_a_course_saved_from_a_copy_read_before_another_authors_edit_still_moves_the_revision_on(course):
    """The admin's copy of the course is read when the form is posted; an edit by someone
    else committed before it is saved must not have its revision written back over."""
    copy_read_first = Course.objects.get(pk=course.pk)
    authoring_services.course_content_changed(course_ids={course.pk})
    after_other_edit = Course.objects.get(pk=course.pk).content_revision
    copy_read_first.title = "Renamed"
    CourseAdmin(Course, admin.site).save_model(request=None, obj=copy_read_first, form=None, change=True)
    saved = Course.objects.get(pk=course.pk)
    assert saved.title == "Renamed" and saved.content_revision > after_other_edit
