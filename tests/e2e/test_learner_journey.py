"""Journey 3: a learner goes from the catalog to a verified certificate, in a real browser."""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from certificates.models import Certificate
from courses.importers.course_yaml import course_import_yaml
from courses.models import Option, Question
from tests.factories import PASSWORD, ProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "courses" / "demo" / "bias-in-assessment-and-feedback.yaml"


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/$"))


def choose_answers(page, *, correct: bool) -> None:
    """Tick the right (or a wrong) option of every question shown on the attempt page."""
    for fieldset in page.locator("fieldset.question").all():
        question_id = int(fieldset.get_attribute("aria-labelledby").removeprefix("stem-"))
        question = Question.objects.get(pk=question_id)
        options = Option.objects.filter(question=question)
        wanted = [o for o in options if (o.weight_percent > 0) == correct]
        if not correct:
            wanted = wanted[:1]
        for option in wanted:
            fieldset.locator(f"#a-{question_id}-{option.id}").check()


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

    with page.expect_download() as download_info:
        download_link.click()
    pdf = Path(download_info.value.path()).read_bytes()
    certificate = Certificate.objects.get(user=learner)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("Rosa Delgado-Whitfield, MD", course.title, "1.75", certificate.display_code):
        assert expected in text

    verify_url = re.search(r"Verify at (\S+)", text.replace("\n", "")).group(1)
    page.goto(re.sub(r"^https?://[^/]+", "", verify_url))
    page.get_by_text("Valid.").wait_for()
    page.get_by_text("Rosa Delgado-Whitfield, MD").wait_for()

    page.audit.assert_clean()
    assert page.audit.pages_checked >= 10
