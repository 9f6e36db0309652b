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
    resident = phone()
    log_in(resident, participant.user.email)
    resident.goto("/projects/")
    resident.get_by_role("link", name=re.compile("Propose your project")).click()
    resident.get_by_label("Title").fill("Peer mentoring circle")
    resident.get_by_label("Aim").fill("Pair every first-generation intern with a senior resident.")
    resident.get_by_label("Team").fill("Sam Reyes, PGY-3")
    resident.get_by_role("button", name="Propose the project").click()
    resident.wait_for_url(re.compile(r"/projects/\d+/$"))
    project_url = resident.url

    resident.get_by_role("link", name="Add a milestone").click()
    resident.get_by_label("Title").fill("Survey the interns")
    resident.get_by_label("Due date").fill(f"{timezone.localdate() + timedelta(days=10):%Y-%m-%d}")
    resident.get_by_role("button", name="Add the milestone").click()
    resident.get_by_role("button", name=re.compile(r"Mark done\W+Survey the interns")).click()
    assert resident.get_by_text("on time").is_visible()

    report = tmp_path / "final-report.pdf"
    report.write_bytes(MINIMAL_PDF)
    resident.get_by_role("link", name="Submit the final report").click()
    resident.get_by_label("Final report (PDF)").set_input_files(str(report))
    resident.get_by_role("button", name="Submit the report").click()
    assert resident.get_by_text("Your final report is submitted").is_visible()

    reviewer = phone()
    log_in(reviewer, facilitator.email)
    reviewer.goto("/projects/")
    reviewer.get_by_role("link", name=str(participant.cohort)).click()
    reviewer.get_by_role("link", name="Peer mentoring circle").click()
    reviewer.get_by_label("Your feedback").fill("Well argued.")
    reviewer.get_by_role("button", name="Accept the final report").click()
    assert reviewer.get_by_text("is completed").is_visible()

    resident.goto(project_url)
    resident.get_by_label("Showcase summary").fill("Twelve interns paired in a month.")
    resident.get_by_label("Show this project on the public project showcase").check()
    resident.get_by_role("button", name="Save").click()
    resident.get_by_role("link", name="project showcase").click()
    assert resident.get_by_role("heading", name="Peer mentoring circle").is_visible()
    assert resident.get_by_text("Twelve interns paired in a month.").is_visible()

    phone.audit.assert_clean()
    assert phone.audit.pages_checked >= 10
