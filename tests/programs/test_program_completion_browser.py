"""A participant on a phone: the completion checklist, "Request my certificate", the
certificate ready on their certificates page, and its public /verify/ page — each page
fits 390 px and passes axe-core WCAG 2.2 AA."""

import re

import pytest

from tests.e2e.conftest import log_in, page  # noqa: F401 — the audited browser page fixture
from tests.factories import ProfileFactory
from tests.programs.factories import ParticipantFactory, cohort_with_curriculum
from tests.projects.factories import participant_progress

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_participant_requests_the_certificate_of_completion_on_a_phone(page):  # noqa: F811
    cohort = cohort_with_curriculum(sessions=5, courses=1)
    user = ProfileFactory(certificate_name="Imani Okafor-Reyes, MD").user
    participant_progress(ParticipantFactory(cohort=cohort, user=user), sessions_attended=4)

    log_in(page, user.email)
    page.goto(f"/programs/cohorts/{cohort.pk}/completion/")
    page.audit.check_now(page)
    assert page.get_by_text("You attended 4 of 5 live sessions (80%).").is_visible()
    page.get_by_role("button", name="Request my certificate").click()

    page.wait_for_url(re.compile(r".*/certificates/$"))
    page.get_by_role("link", name=re.compile("Download PDF")).wait_for(timeout=60_000)
    page.audit.check_now(page)
    row = page.get_by_role("row", name=re.compile(cohort.program.title))
    assert "Program certificate of completion" in row.inner_text()

    row.get_by_role("link", name=re.compile(r"^[0-9A-Z]{5}-[0-9A-Z]{5}$")).click()
    page.wait_for_url(re.compile(r".*/verify/.+"))
    page.audit.check_now(page)
    assert page.get_by_text("Valid.").is_visible()
    assert page.get_by_text(cohort.program.title).is_visible()
    assert page.audit.pages_checked >= 3
    page.audit.assert_clean()
