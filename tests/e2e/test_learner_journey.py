"""Journey 3: a learner goes from the catalog to a verified certificate, in a real browser."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from certificates.models import Certificate
from courses.importers.course_yaml import course_import_yaml
from courses.models import Option
from tests.e2e.conftest import assert_fits_viewport, assert_in_view_without_scrolling_sideways, log_in
from tests.factories import ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "courses" / "demo" / "bias-in-assessment-and-feedback.yaml"


def choose_answers(page, *, correct: bool) -> None:
    """Click the right (or a wrong) option of every question, as a learner does, reloading the
    page halfway: every answer chosen before the reload must come back checked."""
    fieldsets = page.locator("fieldset.question")
    question_ids = [int(fieldset.get_attribute("aria-labelledby").removeprefix("stem-"))
                    for fieldset in fieldsets.all()]
    assert len(question_ids) == 10
    chosen: dict[int, list[str]] = {}
    for index, question_id in enumerate(question_ids):
        if index == len(question_ids) // 2:
            page.reload()
            assert_answers_checked(page, chosen)
        fieldset = page.locator(f"fieldset[aria-labelledby='stem-{question_id}']")
        options = Option.objects.filter(question_id=question_id)
        wanted = [option.text for option in options if (option.weight_percent > 0) == correct]
        chosen[question_id] = wanted if correct else wanted[:1]
        for text in chosen[question_id]:
            with page.expect_response(re.compile(r"/answer/$")) as saved:
                fieldset.get_by_label(text, exact=True).click()
            assert saved.value.status == 200, saved.value.text()
            fieldset.get_by_text("Answer saved.").wait_for()
    assert page.locator(".autosave-error").count() == 0
    page.reload()
    assert_answers_checked(page, chosen)


def assert_answers_checked(page, chosen: dict[int, list[str]]) -> None:
    for question_id, texts in chosen.items():
        fieldset = page.locator(f"fieldset[aria-labelledby='stem-{question_id}']")
        for text in texts:
            assert fieldset.get_by_label(text, exact=True).is_checked(), f"question {question_id} lost “{text}”"


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_learner_completes_a_course_and_downloads_a_verifiable_certificate(page, live_server):
    course = course_import_yaml(text=DEMO.read_text())
    learner = ProfileFactory(certificate_name="Rosa Delgado-Whitfield, MD").user

    log_in(page, learner.email)
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_role("link", name=course.title).click()
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_text("Northwind Biologics").wait_for()
    page.get_by_role("button", name=re.compile("I have read the disclosures")).click()

    modules = list(course.modules.order_by("order"))
    for module in modules:
        page.get_by_role("heading", level=1, name=module.title).wait_for()
        first_check = page.locator("section.knowledge-check form").first
        first_check.locator("input[type=radio], input[type=checkbox]").first.check()
        first_check.get_by_role("button", name="Check answer").click()
        first_check.locator("[role=status]").wait_for()
        page.get_by_role("button", name="Mark complete and continue").click()

    page.get_by_role("heading", name="Post-test").wait_for()
    page.get_by_role("button", name="Start the attempt").click()
    choose_answers(page, correct=False)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("you need 80% to pass").wait_for()

    page.get_by_role("link", name=re.compile("Back to the post-test")).click()
    page.get_by_role("button", name="Start another attempt").click()
    choose_answers(page, correct=True)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("Your score: 100.00%").wait_for()

    assert_fits_viewport(page)
    page.get_by_role("link", name="Continue to the evaluation").click()
    for fieldset in page.locator("form fieldset").all():
        fieldset.get_by_label(re.compile("Agree$")).check()
    for textarea in page.locator("form textarea").all():
        textarea.fill("I will ask learners what they noticed before I correct them.")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_role("heading", name="My learning").wait_for()

    page.get_by_role("link", name=re.compile("Claim credit")).click()
    page.get_by_label("Credits to claim").fill("1.75")
    page.get_by_label(re.compile("I attest")).check()
    page.get_by_role("button", name="Claim credit").click()

    # The status cell turns ready by itself (htmx polling), without a reload.
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    download_link = page.get_by_role("link", name=re.compile("Download PDF"))
    download_link.wait_for(timeout=60_000)
    assert navigations == [], "the page must not reload to show the certificate"

    assert_fits_viewport(page)
    assert_in_view_without_scrolling_sideways(page, download_link)

    with page.expect_download() as download_info:
        download_link.click()
    pdf = Path(download_info.value.path()).read_bytes()
    certificate = Certificate.objects.get(user=learner)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("Rosa Delgado-Whitfield, MD", course.title, "1.75", certificate.display_code):
        assert expected in text

    page.get_by_role("link", name="View my transcript").click()
    page.get_by_role("heading", name="My CME transcript").wait_for()
    code_cell = page.get_by_role("cell", name=certificate.display_code)
    code_cell.wait_for()
    assert_in_view_without_scrolling_sideways(page, code_cell)
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("heading", name="Your CME profile").wait_for()

    verify_url = re.search(r"Verify at (\S+)", text.replace("\n", "")).group(1)
    page.goto(re.sub(r"^https?://[^/]+", "", verify_url))
    page.get_by_text("Valid.").wait_for()
    page.get_by_text("Rosa Delgado-Whitfield, MD").wait_for()

    page.audit.assert_clean()
    assert page.audit.pages_checked >= 14
