"""A post-test answer that cannot be saved says so beside its question, and the page stays."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import Attempt, Option, QuizKind
from tests.courses.conftest import build_course, complete_modules
from tests.e2e.conftest import log_in
from tests.factories import ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER_URL = re.compile(r"/answer/$")


def _deadline_passes(page, attempt, first_question):
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=1))


def _network_fails(page, attempt, first_question):
    page.route(ANSWER_URL, lambda route: route.abort("connectionfailed"))


def _session_ends(page, attempt, first_question):
    page.context.clear_cookies(name="sessionid")


def _request_names_two_questions(page, attempt, first_question):
    # What the browser sent before the fix: another question's answer along with this one.
    first_value = page.locator(f"#a-{first_question['question']}-1").get_attribute("value")
    extra = f"&q{first_question['question']}={first_value}"
    page.route(ANSWER_URL, lambda route: route.continue_(post_data=route.request.post_data + extra))


def _server_error_page(page, attempt, first_question):
    page.route(
        ANSWER_URL,
        lambda route: route.fulfill(
            status=500,
            content_type="text/html",
            body="<!DOCTYPE html><html><body><h1>Server Error (500)</h1></body></html>",
        ),
    )


@pytest.mark.parametrize(
    ("debug", "make_it_fail", "message"),
    [
        (False, _deadline_passes, "Not saved: Time is up for this attempt; answers can no longer be changed."),
        (False, _network_fails, "Not saved: the server could not be reached."),
        # Signed out: the save is redirected to the sign-in page, which must not land in the question.
        (False, _session_ends, "Not saved: you are signed out. Reload the page and sign in again."),
        # Under DEBUG, django-htmx's script swaps a 400 or 500 response in place of the whole page.
        (True, _request_names_two_questions, "Not saved: Save one question's answer at a time."),
        (True, _server_error_page, "Not saved: the server had a problem."),
    ],
    ids=["time-up-409", "network-error", "signed-out", "debug-400", "debug-500"],
)
@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_failed_autosave_is_reported_in_its_question_and_leaves_the_page(
    page, settings, debug, make_it_fail, message
):
    settings.DEBUG = debug
    course = build_course(slug="autosave-course", modules=1, bank=3, knowledge_checks=False, time_limit_minutes=30)
    learner = ProfileFactory().user
    enrollment = services.enrollment_create(user=learner, course=course)
    complete_modules(enrollment)
    attempt = services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    first, second, _ = attempt.layout

    log_in(page, learner.email)
    page.goto(f"/attempts/{attempt.pk}/")
    assert page.locator("script[src*='django-htmx.js']").count() == (1 if debug else 0)
    first_box = page.locator(f"fieldset[aria-labelledby='stem-{first['question']}']")
    first_box.get_by_label("Right answer").click()
    first_box.get_by_text("Answer saved.").wait_for()

    make_it_fail(page, attempt, first)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    second_box = page.locator(f"fieldset[aria-labelledby='stem-{second['question']}']")
    with page.expect_event("requestfinished" if make_it_fail is not _network_fails else "requestfailed"):
        second_box.get_by_label("Wrong answer").click()

    status = page.locator(f"#saved-{second['question']}")
    status.get_by_text(message).wait_for()
    assert navigations == [], "a failed save must not reload or replace the page"
    page.get_by_role("heading", level=1, name="Post-test — attempt 1").wait_for()
    assert page.locator("fieldset.question").count() == 3
    assert first_box.get_by_label("Right answer").is_checked()
    assert first_box.get_by_text("Answer saved.").is_visible()
    assert page.locator(".autosave-error").count() == 1
    saved = dict(attempt.answers.values_list("question_id", "selected_option_ids"))
    right = Option.objects.get(id__in=first["options"], weight_percent__gt=0)
    assert saved == {first["question"]: [right.id]}, "only the first answer was saved"
    page.audit.assert_clean()
