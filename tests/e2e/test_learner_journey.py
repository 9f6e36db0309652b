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
from tests.learner_steps import answer_post_test, claim_credit, submit_evaluation

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DEMO = Path(__file__).resolve().parents[2] / "courses" / "demo" / "bias-in-assessment-and-feedback.yaml"


def known_answers(*, correct: bool):
    """The right options of a question (or one wrong one), from the course in the database."""

    def pick(page, stem_id: str) -> list[str]:
        options = Option.objects.filter(question_id=int(stem_id.removeprefix("stem-")))
        wanted = [option.text for option in options if (option.weight_percent > 0) == correct]
        return wanted if correct else wanted[:1]

    return pick


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
    answer_post_test(page, known_answers(correct=False))
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("you need 80% to pass").wait_for()

    page.get_by_role("link", name=re.compile("Back to the post-test")).click()
    page.get_by_role("button", name="Start another attempt").click()
    answer_post_test(page, known_answers(correct=True))
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_text("Your score: 100.00%").wait_for()

    assert_fits_viewport(page)
    page.get_by_role("link", name="Continue to the evaluation").click()
    submit_evaluation(page, "I will ask learners what they noticed before I correct them.")
    claim_credit(page, "1.75")

    # The status cell turns ready by itself (htmx polling), without a reload.
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    download_link = page.get_by_role("link", name=re.compile("Download PDF"))
    download_link.wait_for(timeout=60_000)
    # The digital credential beside it arrives with the same answer.
    page.get_by_role("link", name=re.compile("Open Badges credential")).wait_for(timeout=5_000)
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
    # The worker prepares the transcript PDF; the page says so, then shows the link by itself.
    page.get_by_role("button", name="Prepare a PDF").click()
    page.get_by_text("Your transcript PDF is being prepared.").wait_for()
    transcript_link = page.locator("#transcript-pdf").get_by_role("link", name="Download PDF")
    transcript_link.wait_for(timeout=60_000)
    with page.expect_download() as transcript_download:
        transcript_link.click()
    transcript_text = PdfReader(transcript_download.value.path()).pages[0].extract_text()
    assert certificate.display_code in transcript_text or course.title in transcript_text
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_role("heading", name="Your CME profile").wait_for()

    verify_url = re.search(r"Verify at (\S+)", text.replace("\n", "")).group(1)
    page.goto(re.sub(r"^https?://[^/]+", "", verify_url))
    page.get_by_text("Valid.").wait_for()
    page.get_by_text("Rosa Delgado-Whitfield, MD").wait_for()

    page.audit.assert_clean()
    assert page.audit.pages_checked >= 14
