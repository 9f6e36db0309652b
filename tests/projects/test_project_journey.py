"""A participant's project from proposal to the public showcase, in a real browser on a phone:
every page fits 390 px and passes axe-core at WCAG 2.2 AA."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.e2e.conftest import log_in
from tests.e2e.conftest import phone as phone  # noqa: F401 — the phone contexts fixture
from tests.programs.factories import MINIMAL_PDF

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_project_goes_from_proposal_to_the_showcase(phone, participant, facilitator, tmp_path):
    # Each page is audited before the journey moves on (check_now): on a busy machine the audit
    # of a page load can lose the race with the next click.
    audit = phone.audit
    resident = phone()
    log_in(resident, participant.user.email)
    resident.goto("/projects/")
    audit.check_now(resident)
    resident.get_by_role("link", name=re.compile("Propose your project")).click()
    resident.get_by_label("Title").wait_for()
    audit.check_now(resident)
    resident.get_by_label("Title").fill("Peer mentoring circle")
    resident.get_by_label("Aim").fill("Pair every first-generation intern with a senior resident.")
    resident.get_by_label("Team").fill("Sam Reyes, PGY-3")
    resident.get_by_role("button", name="Propose the project").click()
    resident.wait_for_url(re.compile(r"/projects/\d+/$"))
    audit.check_now(resident)
    project_url = resident.url

    resident.get_by_role("link", name="Add a milestone").click()
    resident.get_by_label("Due date").wait_for()
    audit.check_now(resident)
    resident.get_by_label("Title").fill("Survey the interns")
    resident.get_by_label("Due date").fill(f"{timezone.localdate() + timedelta(days=10):%Y-%m-%d}")
    resident.get_by_role("button", name="Add the milestone").click()
    resident.get_by_role("button", name=re.compile(r"Mark done\W+Survey the interns")).click()
    resident.get_by_text("on time").wait_for()
    audit.check_now(resident)

    report = tmp_path / "final-report.pdf"
    report.write_bytes(MINIMAL_PDF)
    resident.get_by_role("link", name="Submit the final report").click()
    resident.get_by_label("Final report (PDF)").wait_for()
    audit.check_now(resident)
    resident.get_by_label("Final report (PDF)").set_input_files(str(report))
    resident.get_by_role("button", name="Submit the report").click()
    resident.get_by_text("Your final report is submitted").wait_for()
    audit.check_now(resident)

    reviewer = phone()
    log_in(reviewer, facilitator.email)
    reviewer.goto("/projects/")
    audit.check_now(reviewer)
    reviewer.get_by_role("link", name=str(participant.cohort)).click()
    reviewer.get_by_role("link", name="Peer mentoring circle").wait_for()
    audit.check_now(reviewer)
    reviewer.get_by_role("link", name="Peer mentoring circle").click()
    reviewer.get_by_label("Your feedback").wait_for()
    audit.check_now(reviewer)
    reviewer.get_by_label("Your feedback").fill("Well argued.")
    reviewer.get_by_role("button", name="Accept the final report").click()
    reviewer.get_by_text("is completed").first.wait_for()
    audit.check_now(reviewer)

    resident.goto(project_url)
    audit.check_now(resident)
    resident.get_by_label("Showcase summary").fill("Twelve interns paired in a month.")
    resident.get_by_label("Show this project on the public project showcase").check()
    resident.get_by_role("button", name="Save").click()
    resident.get_by_role("link", name="project showcase").click()
    resident.get_by_role("heading", name="Peer mentoring circle").wait_for()
    audit.check_now(resident)
    assert resident.get_by_text("Twelve interns paired in a month.").is_visible()

    audit.assert_clean()
    assert audit.pages_checked >= 12
