"""Journey 5: keyboard only — a learner completes a module and a quiz without touching a mouse."""

import pytest

from courses import services as course_services
from courses.models import Attempt, ModuleProgress, Option
from tests.courses.conftest import build_course
from tests.factories import PASSWORD, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def tab_to(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate_js}); }})()"):
            return
    raise AssertionError(f"never reached an element where {predicate_js}")


def correct_option_element_id(entry: dict) -> str:
    """Options are numbered by the place they are shown at (their ids stay off the page)."""
    correct = Option.objects.get(id__in=entry["options"], weight_percent__gt=0)
    return f"a-{entry['question']}-{entry['options'].index(correct.id) + 1}"


def answer_with_keys(page, entry: dict) -> None:
    """Tab to the question's first option, arrow down to the right one, select it with Space."""
    tab_to(page, f"el.id === 'a-{entry['question']}-1'")
    # Arrow keys move within a radio group (each move selects and autosaves); Space selects.
    while page.evaluate("document.activeElement.id") != correct_option_element_id(entry):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.locator(f"#saved-{entry['question']}").get_by_text("Answer saved.").wait_for()


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_keyboard_user_completes_a_module_and_the_post_test(page):
    course = build_course(slug="keyboard-course", modules=1, bank=4, knowledge_checks=False)
    learner = ProfileFactory().user
    enrollment = course_services.enrollment_create(user=learner, course=course)
    course_services.disclosures_acknowledge(enrollment=enrollment)

    page.goto("/accounts/login/")
    tab_to(page, "el.name === 'login'")
    page.keyboard.type(learner.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="My learning").wait_for()

    # The skip link is the first stop and takes focus past the navigation.
    page.goto(f"/courses/{course.slug}/modules/1/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    tab_to(page, "el.textContent.trim() === 'Mark complete and continue'")
    focus_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Post-test").wait_for()
    assert ModuleProgress.objects.filter(enrollment=enrollment).count() == 1

    tab_to(page, "el.textContent.trim() === 'Start the attempt'")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Submit my answers").wait_for()
    attempt = Attempt.objects.get(enrollment=enrollment)
    first_half, second_half = attempt.layout[:2], attempt.layout[2:]
    for entry in first_half:
        answer_with_keys(page, entry)
    # Every choice is saved by the time the page is left: a reload brings them all back.
    page.wait_for_load_state("networkidle")
    page.reload()
    for entry in first_half:
        assert page.locator(f"#{correct_option_element_id(entry)}").is_checked()
    for entry in second_half:
        answer_with_keys(page, entry)
    assert page.locator(".autosave-error").count() == 0
    tab_to(page, "el.textContent.trim() === 'Submit my answers'")
    page.keyboard.press("Enter")
    page.get_by_text("Your score: 100.00%").wait_for()
    attempt.refresh_from_db()
    assert attempt.passed
    page.audit.assert_clean()
