"""On a phone: a director pairs a participant with a mentor, the mentor is e-mailed, logs
their first meeting, and the participant reads it. Every page is audited with axe-core and
must fit 390 px without sideways scrolling."""

import pyotp
import pytest
from django.core import mail
from django.utils import timezone

from tests.certificates.test_ready_email import wait_until
from tests.e2e.conftest import log_in, log_in_with_code
from tests.e2e.conftest import page as page  # noqa: F401 — the audited browser page fixture
from tests.mentoring.factories import MentorFactory
from tests.programs.factories import DirectorFactory, ParticipantFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_director_pairs_and_the_pair_log_and_read_a_meeting_on_a_phone(page, browser, live_server):
    participant = ParticipantFactory(
        user__first_name="Rosa", user__last_name="Resident", user__email="rosa@example.org"
    )
    mentor = MentorFactory(email="dean.okafor@lakeside.edu", first_name="Ifeoma", last_name="Okafor")

    secret = pyotp.random_base32()
    director = DirectorFactory(email="programs.office@example.org", totp=secret)
    log_in_with_code(page, director.email, secret=secret, next_path=f"/mentoring/cohorts/{participant.cohort_id}/")
    page.get_by_label("Participant (required)").select_option(value=str(participant.pk))
    page.get_by_label("Mentor's e-mail address").fill("dean.okafor@lakeside.edu")
    page.get_by_role("button", name="Pair").click()
    page.get_by_text("dean.okafor@lakeside.edu now mentors Rosa Resident").wait_for()
    roster = page.locator("#roster")
    assert "Ifeoma Okafor" in roster.inner_text()
    wait_until(lambda: [m for m in mail.outbox if m.to == [mentor.email]], timeout=60, what="the mentor's e-mail")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    mentor_page = context.new_page()
    log_in(mentor_page, mentor.email)
    mentor_page.goto("/mentoring/")
    page.audit.check(mentor_page)
    mentor_page.get_by_role("link", name="Rosa Resident").click()
    mentor_page.get_by_label("Date you met").fill(timezone.localdate().isoformat())
    mentor_page.get_by_label("Length in minutes (optional)").fill("40")
    mentor_page.get_by_label("Notes").fill("Agreed on a **handoff** project.")
    mentor_page.get_by_role("button", name="Log meeting").click()
    mentor_page.get_by_text("Meeting logged.").wait_for()
    page.audit.check(mentor_page)
    context.close()

    page.goto(f"/mentoring/cohorts/{participant.cohort_id}/")
    page.locator("#roster").get_by_role("link", name="Ifeoma Okafor").click()
    page.locator("strong", has_text="handoff").wait_for()
    page.audit.assert_clean()
