"""Course authoring in the admin: who may author, publishing, the graded-content lock,
the learner preview, Markdown rendering and the YAML / GIFT uploads."""

import re
from datetime import date
from decimal import Decimal
from html import escape
from pathlib import Path

import pyotp
import pytest
from django import forms
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from courses.errors import GradedContentLocked
from courses.markdown import render_markdown
from courses.models import (
    Attempt,
    Course,
    CourseStatus,
    Disclosure,
    Enrollment,
    Faculty,
    Module,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
)
from tests.courses.factories import (
    CourseFactory,
    FacultyFactory,
    ModuleFactory,
    OptionFactory,
    PostTestFactory,
    QuestionFactory,
    SubmittedAttemptFactory,
)
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Learners have already submitted attempts at this post-test; graded fields are locked"


# --- People -------------------------------------------------------------------------


def staff_member(email: str, *groups: str) -> tuple:
    """A staff user in the given groups with TOTP enrolled, as the admin requires; returns (user, secret)."""
    user = StaffFactory(email=email, groups=groups)
    return user, user.totp_secret


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def author_client():
    author, _ = staff_member("author@example.org", "Course authors")
    return signed_in(author)


# --- Courses ------------------------------------------------------------------------


def add_question(quiz: Quiz, *, order: int, stem: str, weights, type=QuestionType.SINGLE) -> Question:
    question = QuestionFactory(quiz=quiz, order=order, type=type, stem=stem, explanation="Why it is so.", options=[])
    for index, weight in enumerate(weights, start=1):
        OptionFactory(
            question=question,
            order=index,
            text=f"Choice {'ABCD'[index - 1]}",
            weight_percent=Decimal(weight),
            feedback=f"Feedback {index}.",
        )
    return question


def publishable_course(*, slug: str = "feedback-that-lands", title: str = "Feedback that lands") -> Course:
    """A draft with everything publishing asks for: dates, activity ID, a disclosed faculty member,
    one module and a post-test of two questions drawn per attempt."""
    course = CourseFactory(
        slug=slug,
        title=title,
        summary="Feedback residents act on.",
        description="",
        learning_objectives=["Give specific feedback"],
        target_audience="Clinical teachers",
        credits_max=Decimal("1.25"),
        release_date=date(2026, 1, 1),
        expiry_date=date(2028, 1, 1),
        accme_activity_id="004512345",
        status=CourseStatus.DRAFT,
        published_at=None,
        faculty=0,
        modules=0,
        bank=0,
        evaluation=False,
    )
    FacultyFactory(course=course, order=0, name="Dr. Mara Quist", degrees="MD")
    ModuleFactory(
        course=course, order=1, title="Why it lands", body="Learners **remember** specific words.", estimated_minutes=15
    )
    post_test = PostTestFactory(course=course, draw_count=2, shuffle_questions=False)
    add_question(post_test, order=1, stem="Which feedback is specific?", weights=(100, 0, 0))
    add_question(post_test, order=2, stem="Which habits help?", weights=(50, 50, -100), type=QuestionType.MULTIPLE)
    return course


def submitted_attempt(course: Course) -> Attempt:
    return SubmittedAttemptFactory(enrollment__user__email="learner@example.org", enrollment__course=course)


# --- The admin's change forms, posted back as a browser would ------------------------


def _posted(bound_field):
    value = bound_field.value()
    if isinstance(bound_field.field, forms.ModelMultipleChoiceField):
        return [str(item) for item in value or []]
    if isinstance(value, bool):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def change_form_data(page) -> dict:
    """Everything the change form shows (main form, inlines, management forms), unchanged."""
    data = {}

    def add(form):
        for bound_field in form:
            if isinstance(bound_field.field, forms.SplitDateTimeField):
                # The admin's date and time boxes post as <name>_0 and <name>_1.
                moment = bound_field.value()
                if moment:
                    local = timezone.localtime(moment)
                    data[f"{bound_field.html_name}_0"] = local.date().isoformat()
                    data[f"{bound_field.html_name}_1"] = local.time().isoformat(timespec="seconds")
                continue
            value = _posted(bound_field)
            if value is not None:
                data[bound_field.html_name] = value

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def form_errors(response) -> str:
    """What the admin complained about, for the message of a failed assertion."""
    context = response.context
    if context is None or "adminform" not in context:
        return response.content.decode()[:500]
    errors = [context["adminform"].form.errors]
    for inline in context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), inline.formset.errors]
    return repr(errors)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Groups and access --------------------------------------------------------------


def test_course_authors_group_may_author_content_and_only_look_at_learners_records():
    codenames = set(Group.objects.get(name="Course authors").permissions.values_list("codename", flat=True))
    authored = [
        "course",
        "topic",
        "faculty",
        "disclosure",
        "module",
        "quiz",
        "question",
        "option",
        "evaluationitem",
        "coursemocregistration",
    ]
    expected = {f"{action}_{model}" for model in authored for action in ("add", "change", "delete", "view")}
    assert codenames == expected | {"view_enrollment", "view_attempt"}


def test_cme_administrators_may_view_everything_in_courses_and_change_nothing():
    group = Group.objects.get(name="CME administrators")
    in_courses = set(group.permissions.filter(content_type__app_label="courses").values_list("codename", flat=True))
    every_view = set(
        Permission.objects.filter(content_type__app_label="courses", codename__startswith="view_").values_list(
            "codename", flat=True
        )
    )
    assert in_courses == every_view
    assert {"view_course", "view_answer", "view_evaluationresponse", "view_moduleprogress"} <= in_courses

    administrator, _ = staff_member("cme@example.org", "CME administrators")
    client = signed_in(administrator)
    assert client.get(reverse("admin:courses_course_changelist")).status_code == 200
    assert client.get(reverse("admin:courses_course_add")).status_code == 403


def test_author_signs_in_with_password_and_code_and_opens_the_course_admin():
    author, secret = staff_member("author@example.org", "Course authors")
    client = Client()
    response = client.post(reverse("account_login"), {"login": author.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})

    changelist = client.get(reverse("admin:courses_course_changelist"))
    assert changelist.status_code == 200
    assert b"Import course (YAML)" in changelist.content
    add_page = client.get(reverse("admin:courses_course_add"))
    assert add_page.status_code == 200
    assert b"One objective per line" in add_page.content


def test_staff_outside_the_authors_group_get_403_on_the_course_admin():
    course = publishable_course()
    outsider, _ = staff_member("outsider@example.org")
    client = signed_in(outsider)
    assert client.get(reverse("admin:courses_course_changelist")).status_code == 403
    assert client.get(reverse("admin:courses_course_change", args=[course.pk])).status_code == 403
    assert client.get(reverse("admin:courses_course_preview", args=[course.pk])).status_code == 403
    assert client.post(reverse("admin:courses_course_publish", args=[course.pk])).status_code == 403
    assert client.get(reverse("admin:courses_course_import_yaml")).status_code == 403


def test_learners_are_sent_to_sign_in_instead_of_seeing_a_preview(client):
    course = publishable_course()
    client.force_login(UserFactory(email="learner@example.org"))
    response = client.get(reverse("admin:courses_course_preview", args=[course.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def courses_with_learners(count: int) -> None:
    # Learners who never sign in here: no password to hash, so 100 of them stay quick.
    User = get_user_model()
    learners = User.objects.bulk_create(
        User(username=f"l{index}@example.org", email=f"l{index}@example.org") for index in range(count)
    )
    for index, learner in enumerate(learners):
        course = publishable_course(slug=f"course-{index}", title=f"Course {index}")
        enrollment = Enrollment.objects.create(user=learner, course=course)
        Attempt.objects.create(enrollment=enrollment, quiz=course.quizzes.get(), number=1)


@pytest.mark.parametrize("count", [10, 100])
@pytest.mark.parametrize("model", ["course", "faculty", "quiz", "question", "enrollment", "attempt"])
def test_admin_lists_take_the_same_queries_for_10_and_100_rows(django_assert_max_num_queries, model, count):
    courses_with_learners(count)
    staff, _ = staff_member("lead@example.org", "Course authors", "CME administrators")
    client = signed_in(staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(f"admin:courses_{model}_changelist"), {"all": ""})
    assert response.status_code == 200
    assert response.context["cl"].result_count >= count


def test_course_list_counts_each_courses_modules(author_client):
    course = publishable_course()
    Module.objects.create(course=course, order=2, title="Two", body="Text")
    response = author_client.get(reverse("admin:courses_course_changelist"))
    assert response.context["cl"].result_list[0].module_count == 2


# --- Publishing ---------------------------------------------------------------------


def broken_course() -> Course:
    course = Course.objects.create(
        slug="broken",
        title="Broken course",
        summary="Not ready.",
        learning_objectives=["Learn"],
        credits_max=Decimal("1.3"),
    )
    Faculty.objects.create(course=course, name="Dr. Lee Park")  # no disclosure
    post_test = Quiz.objects.create(course=course, kind=QuizKind.POST_TEST, draw_count=5)
    add_question(post_test, order=1, stem="Pick one", weights=(100, 100, 0))
    add_question(post_test, order=2, stem="Pick some", weights=(50, 40, -100), type=QuestionType.MULTIPLE)
    return course


def test_publish_action_lists_every_problem_and_leaves_the_course_draft(author_client):
    course = broken_course()
    response = author_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "publish_selected", "_selected_action": [course.pk]},
        follow=True,
    )
    shown = messages_of(response)
    expected = [
        "The course has no modules.",
        "Post-test, question 1 is single-answer but has 2 correct options",
        "Post-test, question 2 has positive weights summing to 90%",
        "The post-test draws 5 questions but the bank has only 2.",
        "is not a multiple of 0.25",
        "Dr. Lee Park has no disclosure record",
    ]
    for problem in expected:
        assert any(message.startswith("Broken course: ") and problem in message for message in shown), problem
    assert not any(message.startswith("Published") for message in shown)
    course.refresh_from_db()
    assert course.status == CourseStatus.DRAFT and course.published_at is None


def test_after_fixing_every_problem_the_publish_button_publishes(author_client):
    course = broken_course()
    Course.objects.filter(pk=course.pk).update(credits_max=Decimal("1.25"))
    Module.objects.create(course=course, order=1, title="The one module", body="Text.")
    Disclosure.objects.create(faculty=course.faculty.get(), has_no_relevant_relationships=True)
    Option.objects.filter(question__stem="Pick one", order=2).update(weight_percent=0)
    Option.objects.filter(question__stem="Pick some", order=2).update(weight_percent=50)
    Quiz.objects.filter(course=course).update(draw_count=2)
    Course.objects.filter(pk=course.pk).update(
        release_date=date(2026, 3, 1), expiry_date=date(2029, 3, 1), accme_activity_id="004567890"
    )
    publish = reverse("admin:courses_course_publish", args=[course.pk])

    assert author_client.get(publish).status_code == 405, "publishing changes state: POST only"
    response = author_client.post(publish, follow=True)

    assert "Broken course is published." in messages_of(response)
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED and course.published_at is not None
    page = author_client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    assert "View on site" in page and ">Publish</button>" not in page


def _publish(client, course: Course) -> list[str]:
    return messages_of(client.post(reverse("admin:courses_course_publish", args=[course.pk]), follow=True))


def test_an_enduring_material_without_expiry_or_activity_id_is_refused_with_each_problem(author_client):
    course = publishable_course()
    Course.objects.filter(pk=course.pk).update(expiry_date=None, accme_activity_id="")

    shown = _publish(author_client, course)

    assert shown == [
        "Feedback that lands: An enduring material needs an expiry date, at most 3 years after its release "
        "(ACCME expects enduring materials to be reviewed at least every three years).",
        "Feedback that lands: The course has no ACCME activity ID: enter its 9-digit PARS activity ID, or untick "
        "“reported to PARS” if this activity is not reported to PARS.",
    ]
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_an_enduring_material_expiring_more_than_three_years_after_release_is_refused(author_client):
    course = publishable_course()
    Course.objects.filter(pk=course.pk).update(release_date=date(2026, 1, 15), expiry_date=date(2029, 1, 16))

    shown = " ".join(_publish(author_client, course))

    assert (
        "The expiry date 2029-01-16 is more than 3 years after the release date 2026-01-15" in shown
        and "set it to 2029-01-15 or earlier" in shown
    )
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_the_course_form_says_at_once_when_an_enduring_materials_expiry_is_too_late(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    data.update({"release_date": "2026-01-15", "expiry_date": "2030-06-30"})

    response = author_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["expiry_date"] == [
        "An enduring material is reviewed at least every three years: set the expiry date to 2029-01-15 or earlier."
    ]
    assert Course.objects.get(pk=course.pk).expiry_date == date(2028, 1, 1)


def test_an_enduring_material_needs_a_release_date_to_count_its_three_years_from(author_client):
    course = publishable_course()
    Course.objects.filter(pk=course.pk).update(release_date=None)

    assert "An enduring material needs a release date" in " ".join(_publish(author_client, course))
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_an_enduring_material_reviewed_within_three_years_and_not_reported_to_pars_publishes(author_client):
    course = publishable_course()
    Course.objects.filter(pk=course.pk).update(
        release_date=date(2026, 1, 15), expiry_date=date(2029, 1, 15), accme_activity_id="", is_reported_to_pars=False
    )

    assert _publish(author_client, course) == ["Feedback that lands is published."]
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED


def test_a_live_course_needs_no_expiry_but_still_an_activity_id(author_client):
    course = publishable_course()
    Course.objects.filter(pk=course.pk).update(activity_format="live_course", expiry_date=None, accme_activity_id="")

    shown = " ".join(_publish(author_client, course))

    assert "has no ACCME activity ID" in shown and "expiry date" not in shown


def test_a_course_without_a_signatory_name_is_refused(author_client, settings):
    from certificates.models import CertificateLook

    settings.CERTIFICATE_SIGNATORY_NAME = ""
    course = publishable_course()
    look = CertificateLook.objects.create(course=course, signatory_title="Director of CME")

    assert "Nobody signs its certificates" in " ".join(_publish(author_client, course))
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT

    look.signatory_name = "Dr. Nadia Okonkwo-Lindqvist"
    look.save()
    assert _publish(author_client, course) == ["Feedback that lands is published."]


def test_the_site_wide_signatory_lets_a_course_without_a_look_publish(author_client, settings):
    settings.CERTIFICATE_SIGNATORY_NAME = "Dr. Odile Brennan-Aziz"
    course = publishable_course()

    assert _publish(author_client, course) == ["Feedback that lands is published."]


def test_the_admin_offers_reported_to_pars_beside_the_activity_id(author_client):
    course = publishable_course()
    page = author_client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()

    assert 'name="is_reported_to_pars"' in page and "Reported to PARS" in page


def test_a_new_module_starts_with_the_next_order_number(author_client):
    course = publishable_course()
    Module.objects.create(course=course, order=2, title="Two", body="Text")
    Module.objects.create(course=course, order=3, title="Three", body="Text")

    response = author_client.get(reverse("admin:courses_course_change", args=[course.pk]))

    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "modules")
    assert formset.formset.empty_form["order"].value() == 4
    assert 'name="modules-__prefix__-order" value="4"' in response.content.decode()


def test_the_first_module_of_a_new_course_starts_at_one(author_client):
    response = author_client.get(reverse("admin:courses_course_add"))

    assert 'name="modules-__prefix__-order" value="1"' in response.content.decode()


def test_a_prefilled_but_untouched_module_form_adds_nothing(author_client):
    course = publishable_course()
    response = author_client.get(reverse("admin:courses_course_change", args=[course.pk]))
    data = change_form_data(response)
    data.update({"modules-TOTAL_FORMS": "2", "modules-1-order": "2", "modules-1-estimated_minutes": "15"})

    saved = author_client.post(reverse("admin:courses_course_change", args=[course.pk]), data)

    assert saved.status_code == 302, form_errors(saved)
    assert course.modules.count() == 1


def test_publish_button_on_a_broken_course_lists_its_problems(author_client):
    course = broken_course()
    page = author_client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert reverse("admin:courses_course_publish", args=[course.pk]).encode() in page.content

    response = author_client.post(reverse("admin:courses_course_publish", args=[course.pk]), follow=True)

    assert "Broken course: The course has no modules." in messages_of(response)
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


def test_unpublish_and_archive_actions(author_client):
    course = publishable_course()
    changelist = reverse("admin:courses_course_changelist")
    author_client.post(changelist, {"action": "publish_selected", "_selected_action": [course.pk]})
    assert Course.objects.get(pk=course.pk).status == CourseStatus.PUBLISHED
    author_client.post(changelist, {"action": "unpublish_selected", "_selected_action": [course.pk]})
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT
    author_client.post(changelist, {"action": "archive_selected", "_selected_action": [course.pk]})
    assert Course.objects.get(pk=course.pk).status == CourseStatus.ARCHIVED


def test_status_cannot_be_set_by_hand_so_publishing_always_goes_through_the_checks(author_client):
    course = broken_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    data["status"] = CourseStatus.PUBLISHED
    data["credits_max"] = "1.25"
    response = author_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert Course.objects.get(pk=course.pk).status == CourseStatus.DRAFT


# --- The course change form -----------------------------------------------------------


def test_change_form_refuses_an_expiry_date_before_the_release_date(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    data.update(release_date="2026-06-01", expiry_date="2026-05-31")

    response = author_client.post(url, data)

    assert response.status_code == 200
    assert "The expiry date is before the release date." in response.content.decode()
    course.refresh_from_db()
    assert course.expiry_date == date(2028, 1, 1)


def test_change_form_shows_the_standard_statements_and_saves_objectives_one_per_line(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    page = author_client.get(url)
    text = page.content.decode()
    assert "Accreditation (standard wording)" in text
    assert escape(course.designation_statement_text, quote=False) in text

    data = change_form_data(page)
    data["learning_objectives"] = "Name two habits\n\n  Practise one  \n"
    response = author_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    course.refresh_from_db()
    assert course.learning_objectives == ["Name two habits", "Practise one"]


def test_adding_a_course_seeds_the_standard_evaluation(author_client):
    url = reverse("admin:courses_course_add")
    data = change_form_data(author_client.get(url))
    data.update(title="New course", slug="new-course", summary="New.", credits_max="1.00")

    response = author_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    course = Course.objects.get(slug="new-course")
    assert course.status == CourseStatus.DRAFT
    assert "free_of_commercial_bias" in set(course.evaluation_items.values_list("code", flat=True))


def test_modules_can_swap_places_in_one_save(author_client):
    course = publishable_course()
    Module.objects.create(course=course, order=2, title="Second", body="Two.")
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    prefix = next(key for key, value in data.items() if key.endswith("-title") and value == "Why it lands")[:-6]
    other = next(key for key, value in data.items() if key.endswith("-title") and value == "Second")[:-6]
    data[f"{prefix}-order"], data[f"{other}-order"] = "2", "1"

    response = author_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert list(course.modules.order_by("order").values_list("title", flat=True)) == ["Second", "Why it lands"]


def test_module_numbers_must_run_without_gaps(author_client):
    course = publishable_course()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = change_form_data(author_client.get(url))
    order_key = next(key for key in data if key.startswith("modules-") and key.endswith("-order"))
    data[order_key] = "3"

    response = author_client.post(url, data)

    assert response.status_code == 200
    assert "without gaps or repeats (now: 3)" in response.content.decode()
    assert course.modules.get().order == 1


def test_the_course_page_leads_to_adding_its_post_test(author_client):
    course = publishable_course()
    course.quizzes.all().delete()
    page = author_client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    add_url = re.search(r'href="([^"]*)">Add the post-test<', page).group(1).replace("&amp;", "&")

    data = change_form_data(author_client.get(add_url))
    assert data["course"] == str(course.pk) and data["kind"] == QuizKind.POST_TEST
    response = author_client.post(reverse("admin:courses_quiz_add"), data)

    assert response.status_code == 302, form_errors(response)
    assert course.quizzes.get().kind == QuizKind.POST_TEST


def test_a_knowledge_check_must_follow_a_module_of_the_same_course(author_client):
    course = publishable_course()
    other = publishable_course(slug="other", title="Other")
    url = reverse("admin:courses_quiz_add")
    data = change_form_data(author_client.get(url))
    data.update(course=str(course.pk), kind=QuizKind.KNOWLEDGE_CHECK, module=str(other.modules.get().pk))

    response = author_client.post(url, data)

    assert response.status_code == 200
    assert "This module belongs to another course." in response.content.decode()


def test_faculty_row_links_to_the_page_where_disclosures_are_edited(author_client):
    course = publishable_course()
    person = course.faculty.get()
    page = author_client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert reverse("admin:courses_faculty_change", args=[person.pk]) in page.content.decode()
    faculty_page = author_client.get(reverse("admin:courses_faculty_change", args=[person.pk]))
    assert faculty_page.status_code == 200
    assert b"no relevant financial relationships" in faculty_page.content.lower()


def test_a_disclosure_names_a_company_or_says_there_is_nothing_to_disclose(author_client):
    person = publishable_course().faculty.get()
    url = reverse("admin:courses_faculty_change", args=[person.pk])
    data = change_form_data(author_client.get(url))
    data.pop("disclosures-0-has_no_relevant_relationships")

    response = author_client.post(url, data)

    assert response.status_code == 200
    assert "Name the ineligible company" in response.content.decode()
    assert person.disclosures.get().has_no_relevant_relationships


# --- Graded content is locked once learners have submitted attempts ------------------


@pytest.fixture
def locked_course():
    course = publishable_course()
    submitted_attempt(course)
    return course


def question_page(client, question):
    url = reverse("admin:courses_question_change", args=[question.pk])
    return url, change_form_data(client.get(url))


def option_key(data: dict, question: Question, order: int, field: str) -> str:
    option = question.options.get(order=order)
    prefix = next(key[:-3] for key, value in data.items() if key.endswith("-id") and value == str(option.pk))
    return f"{prefix}-{field}"


def test_changing_an_option_weight_is_refused_after_a_submitted_attempt(author_client, locked_course):
    question = Question.objects.get(quiz__course=locked_course, order=1)
    url, data = question_page(author_client, question)
    data[option_key(data, question, 1, "weight_percent")] = "0"
    data[option_key(data, question, 2, "weight_percent")] = "100"

    response = author_client.post(url, data)

    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "Add a new question instead of changing this one." in response.content.decode()
    assert list(question.options.order_by("order").values_list("weight_percent", flat=True)) == [100, 0, 0]


def test_adding_or_deleting_options_is_refused_after_a_submitted_attempt(author_client, locked_course):
    question = Question.objects.get(quiz__course=locked_course, order=1)
    url, data = question_page(author_client, question)
    data[option_key(data, question, 3, "DELETE")] = "on"
    response = author_client.post(url, data)
    assert response.status_code == 200 and LOCKED in response.content.decode()

    url, data = question_page(author_client, question)
    data.update(
        {
            "options-TOTAL_FORMS": "4",
            "options-3-order": "4",
            "options-3-text": "Choice D",
            "options-3-weight_percent": "0",
            "options-3-question": str(question.pk),
        }
    )
    response = author_client.post(url, data)
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert question.options.count() == 3


def test_changing_a_question_type_is_refused_after_a_submitted_attempt(author_client, locked_course):
    question = Question.objects.get(quiz__course=locked_course, order=2)
    url, data = question_page(author_client, question)
    data["type"] = QuestionType.SINGLE

    response = author_client.post(url, data)

    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert Question.objects.get(pk=question.pk).type == QuestionType.MULTIPLE


def test_a_stem_typo_fix_feedback_and_explanation_stay_editable(author_client, locked_course):
    question = Question.objects.get(quiz__course=locked_course, order=1)
    url, data = question_page(author_client, question)
    data["stem"] = "Which feedback is most specific?"
    data["explanation"] = "Specific feedback names the behaviour."
    data[option_key(data, question, 1, "feedback")] = "Yes: it names what was done."
    data[option_key(data, question, 1, "text")] = "Choice A, reworded"

    response = author_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    question.refresh_from_db()
    assert question.stem == "Which feedback is most specific?"
    assert question.explanation == "Specific feedback names the behaviour."
    assert question.options.get(order=1).feedback == "Yes: it names what was done."


def test_deleting_a_question_is_refused_after_a_submitted_attempt(author_client, locked_course):
    question = Question.objects.get(quiz__course=locked_course, order=1)

    page = author_client.get(reverse("admin:courses_question_delete", args=[question.pk]), follow=True)
    assert any(LOCKED in message for message in messages_of(page))
    author_client.post(reverse("admin:courses_question_delete", args=[question.pk]), {"post": "yes"})
    response = author_client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"},
        follow=True,
    )
    assert any(LOCKED in message for message in messages_of(response))

    quiz_url = reverse("admin:courses_quiz_change", args=[question.quiz_id])
    data = change_form_data(author_client.get(quiz_url))
    prefix = next(key[:-3] for key, value in data.items() if key.endswith("-id") and value == str(question.pk))
    data[f"{prefix}-DELETE"] = "on"
    response = author_client.post(quiz_url, data)
    assert response.status_code == 200 and LOCKED in response.content.decode()

    assert Question.objects.filter(pk=question.pk).exists()


def test_changing_the_draw_count_is_refused_after_a_submitted_attempt(author_client, locked_course):
    quiz = locked_course.quizzes.get()
    url = reverse("admin:courses_quiz_change", args=[quiz.pk])
    data = change_form_data(author_client.get(url))
    data["draw_count"] = "1"

    response = author_client.post(url, data)

    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).draw_count == 2


def test_a_new_question_can_still_be_added_to_a_locked_bank(author_client, locked_course):
    quiz = locked_course.quizzes.get()
    url = reverse("admin:courses_question_add")
    data = change_form_data(author_client.get(url))
    data.update({"quiz": str(quiz.pk), "order": "3", "type": QuestionType.SINGLE, "stem": "A better question?"})
    for index, weight in enumerate(["100", "0"]):
        data.update(
            {
                f"options-{index}-order": str(index + 1),
                f"options-{index}-text": f"Choice {index}",
                f"options-{index}-weight_percent": weight,
            }
        )

    response = author_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert quiz.questions.get(order=3).options.count() == 2


def test_graded_edits_are_allowed_while_no_attempt_has_been_submitted(author_client):
    course = publishable_course()
    attempt = submitted_attempt(course)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=None, score_percent=None, passed=None)
    question = Question.objects.get(quiz__course=course, order=1)
    url, data = question_page(author_client, question)
    data[option_key(data, question, 1, "weight_percent")] = "0"
    data[option_key(data, question, 2, "weight_percent")] = "100"

    assert author_client.post(url, data).status_code == 302
    assert question.options.get(order=2).weight_percent == 100


def test_the_admin_write_path_refuses_graded_edits_even_without_the_form(locked_course):
    author, _ = staff_member("author@example.org", "Course authors")
    request = RequestFactory().post("/")
    request.user = author
    question = Question.objects.get(quiz__course=locked_course, order=2)
    question.type = QuestionType.SINGLE
    quiz = locked_course.quizzes.get()
    quiz.draw_count = 1

    with pytest.raises(GradedContentLocked):
        admin_site.get_model_admin(Question).save_model(request, question, form=None, change=True)
    with pytest.raises(GradedContentLocked):
        admin_site.get_model_admin(Quiz).save_model(request, quiz, form=None, change=True)
    with pytest.raises(GradedContentLocked):
        admin_site.get_model_admin(Question).delete_model(request, question)

    assert Question.objects.get(pk=question.pk).type == QuestionType.MULTIPLE
    assert Quiz.objects.get(pk=quiz.pk).draw_count == 2


# --- Preview as learner -------------------------------------------------------------


def test_preview_shows_the_course_as_learners_see_it_with_the_answer_key_folded_away(author_client):
    course = publishable_course()
    Module.objects.create(
        course=course,
        order=2,
        title="Unsafe HTML",
        body="Before.\n\n<script>alert('preview-xss')</script>\n\n<p onclick=\"steal()\">After.</p>",
    )
    check = Quiz.objects.create(course=course, module=course.modules.get(order=1), kind=QuizKind.KNOWLEDGE_CHECK)
    add_question(check, order=1, stem="Quick check: which words stick?", weights=(0, 100))

    change_page = author_client.get(reverse("admin:courses_course_change", args=[course.pk]))
    preview_url = reverse("admin:courses_course_preview", args=[course.pk])
    assert preview_url in change_page.content.decode()
    response = author_client.get(preview_url)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Learners <strong>remember</strong> specific words." in text
    assert text.index("Module 1: Why it lands") < text.index("Module 2: Unsafe HTML")
    assert "Give specific feedback" in text and "Clinical teachers" in text
    assert "Dr. Mara Quist" in text and "No relevant financial relationships" in text
    assert escape(course.designation_statement_text, quote=False) in text
    assert "80%" in text and "60 minutes" in text
    assert "Quick check: which words stick?" in text and "Which habits help?" in text
    assert "alert(&#x27;preview-xss&#x27;)" not in text and "alert('preview-xss')" not in text
    assert "steal()" not in text and "After." in text

    answer_keys = re.findall(r"<details[^>]*>.*?</details>", text, flags=re.DOTALL)
    assert len(answer_keys) == 2, "one answer key per quiz"
    assert all("Answer key (authors only)" in block for block in answer_keys)
    assert all("Correct" in block for block in answer_keys)
    outside = re.sub(r"<details[^>]*>.*?</details>", "", text, flags=re.DOTALL)
    assert "correct" not in outside.lower()
    assert "Feedback 1." not in outside and "Why it is so." not in outside


# --- Markdown -----------------------------------------------------------------------


def test_render_markdown_keeps_prose_tables_and_safe_links():
    html = render_markdown(
        "## Heading\n\n> Quote\n\n- one\n- two\n\n| A | B |\n|---|--:|\n| 1 | 2 |\n\n"
        '`code` [site](https://example.org "Title") [mail](mailto:team@example.org)'
    )
    assert isinstance(html, SafeString)
    for fragment in (
        "<h2>Heading</h2>",
        "<blockquote>",
        "<li>one</li>",
        "<table>",
        "<td>2</td>",
        "<code>code</code>",
        'href="https://example.org"',
        'title="Title"',
        'href="mailto:team@example.org"',
        'rel="noopener noreferrer"',
    ):
        assert fragment in html, fragment


def test_render_markdown_strips_scripts_with_their_content():
    html = render_markdown("Hello\n\n<script>alert('x')</script>\n\nInline <script>alert('y')</script> text")
    assert "<script" not in html and "alert" not in html
    assert "Hello" in html and "text" in html


def test_render_markdown_strips_event_handlers():
    html = render_markdown('<p onclick="steal()">Click</p> <a href="https://example.org" onmouseover="x()">a</a>')
    assert "onclick" not in html and "onmouseover" not in html and "steal" not in html
    assert "Click" in html


def test_render_markdown_strips_javascript_links():
    html = render_markdown(
        '[md](javascript:alert(1)) <a href="javascript:alert(2)">raw</a> '
        '<a href="JaVaScRiPt:alert(3)">mixed</a> <a href="data:text/html,x">data</a>'
    )
    hrefs = re.findall(r"href=\"([^\"]*)\"", html)
    assert not [href for href in hrefs if not href.startswith(("http:", "https:", "mailto:"))], hrefs
    assert "raw" in html and "mixed" in html and "data" in html


def test_markdown_filter_renders_author_text_in_templates():
    template = Template("{% load course_markdown %}{{ module.body|markdown }}")
    html = template.render(Context({"module": {"body": "**Bold** <script>alert(1)</script>"}}))
    assert html.strip() == "<p><strong>Bold</strong> </p>"


# --- Uploads ------------------------------------------------------------------------


DEMO_COURSE = Path(settings.BASE_DIR) / "courses" / "demo" / "inclusive-clinical-teaching.yaml"


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def test_yaml_upload_lists_every_error_with_its_line_and_imports_nothing(author_client):
    from courses.importers.course_yaml import CourseImportError, course_import_yaml

    lines = DEMO_COURSE.read_text().splitlines()
    assert lines[32].strip() == 'credits_max: "1.50"' and lines[39].strip() == "passing_score_percent: 80"
    lines[32] = '  credits_max: "1.30"'
    lines[39] = "  passing_score_percent: 180"
    broken = "\n".join(lines) + "\n"
    with pytest.raises(CourseImportError) as expected:
        course_import_yaml(text=broken)

    response = author_client.post(
        reverse("admin:courses_course_import_yaml"), {"upload": upload("course.yaml", broken)}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert {33, 40} <= {problem.line for problem in expected.value.problems}
    for problem in expected.value.problems:
        shown = f"Line {problem.line}: {problem.message}" if problem.line else problem.message
        assert escape(shown) in text
    assert not Course.objects.exists()


def test_yaml_upload_of_a_good_file_creates_the_course_and_opens_it(author_client):
    response = author_client.post(
        reverse("admin:courses_course_import_yaml"), {"upload": upload("course.yaml", DEMO_COURSE.read_text())}
    )

    course = Course.objects.get(slug="inclusive-clinical-teaching")
    assert response.status_code == 302
    assert response.url == reverse("admin:courses_course_change", args=[course.pk])


def test_an_upload_that_is_not_utf8_text_is_refused(author_client):
    response = author_client.post(
        reverse("admin:courses_course_import_yaml"), {"upload": upload("course.yaml", "título".encode("latin-1"))}
    )
    assert response.status_code == 200
    assert "not UTF-8 text" in response.content.decode()


def test_gift_upload_lists_every_error_with_its_line_and_imports_nothing(author_client):
    course = publishable_course()
    gift = (
        "\n".join(
            [
                "What is specific feedback? {=Named behaviour =A grade ~Praise}",
                "",
                "// a comment",
                "How long should feedback take? {#5}",
                "",
                "Is silence feedback? {TRUE}",
            ]
        )
        + "\n"
    )
    url = reverse("admin:courses_course_import_gift", args=[course.pk])
    assert (
        reverse("admin:courses_course_import_gift", args=[course.pk])
        in author_client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    )

    response = author_client.post(url, {"upload": upload("questions.gift", gift)})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Line 1: 2 answers are marked correct" in text
    assert "Line 4: numerical questions are not supported" in text
    assert Question.objects.filter(quiz__course=course).count() == 2


def test_gift_upload_of_a_good_file_adds_the_questions_to_the_post_test(author_client):
    course = publishable_course()
    gift = "Is silence feedback? {FALSE}\n\nWhich is specific? {=You named the risk ~Good job}\n"

    response = author_client.post(
        reverse("admin:courses_course_import_gift", args=[course.pk]), {"upload": upload("questions.gift", gift)}
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:courses_course_change", args=[course.pk])
    assert course.quizzes.get(kind=QuizKind.POST_TEST).questions.count() == 4


def test_gift_upload_with_only_warnings_imports_and_shows_them_on_the_course_page(author_client):
    course = publishable_course()
    gift = (
        "\n".join(
            [
                "$CATEGORY: $course$/top/Feedback",
                "",
                "::Silence::Is silence feedback? {FALSE}",
                "",
                "[html]Which is <span>specific</span>? {=You named the risk ~Good job}",
            ]
        )
        + "\n"
    )

    response = author_client.post(
        reverse("admin:courses_course_import_gift", args=[course.pk]),
        {"upload": upload("questions.gift", gift)},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("admin:courses_course_change", args=[course.pk])
    assert "Imported 2 question(s) into Feedback that lands." in page
    assert (
        escape(
            "GIFT file, line 1: $CATEGORY $course$/top/Feedback is ignored: Docere has no question "
            "categories, so every question goes into this course's post-test bank"
        )
        in page
    )
    assert escape("GIFT file, line 5: HTML that Docere does not show was removed: <span>") in page
    assert course.quizzes.get(kind=QuizKind.POST_TEST).questions.filter(title="Silence").count() == 1


def test_gift_upload_with_errors_lists_warnings_apart_from_the_errors(author_client):
    course = publishable_course()
    gift = "$CATEGORY: Feedback\n\n[latex]Is $x$ feedback? {T}\n"

    response = author_client.post(
        reverse("admin:courses_course_import_gift", args=[course.pk]), {"upload": upload("questions.gift", gift)}
    )

    page = response.content.decode()
    errors = page[page.index('id="import-errors"') : page.index("</ul>", page.index('id="import-errors"'))]
    warnings = page[page.index('id="import-warnings"') : page.index("</ul>", page.index('id="import-warnings"'))]
    assert "Line 3: [latex] is not a GIFT text format" in errors and "CATEGORY" not in errors
    assert "Line 1: $CATEGORY Feedback is ignored" in warnings and "latex" not in warnings
    assert "The file has 1 problem;" in page
    assert Question.objects.filter(quiz__course=course).count() == 2


def test_authors_see_question_titles_in_the_question_list_and_the_bank(author_client):
    course = publishable_course()
    question = Question.objects.filter(quiz__course=course).first()
    Question.objects.filter(pk=question.pk).update(
        title="Timing of feedback", stem="<p>When is <em>feedback</em> useful?</p>"
    )

    listing = author_client.get(reverse("admin:courses_question_changelist")).content.decode()
    bank = author_client.get(reverse("admin:courses_quiz_change", args=[question.quiz_id])).content.decode()

    assert "Timing of feedback" in listing
    assert ">When is feedback useful?</a>" in listing  # the words, not the HTML behind them
    assert 'value="Timing of feedback"' in bank


def test_an_author_can_name_a_question(author_client):
    course = publishable_course()
    question = Question.objects.filter(quiz__course=course).first()
    url, data = question_page(author_client, question)
    data["title"] = "Wait time"

    response = author_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    assert Question.objects.get(pk=question.pk).title == "Wait time"
