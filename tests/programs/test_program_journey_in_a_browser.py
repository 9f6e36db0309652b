"""A resident applies on a phone and a director accepts them, in Chromium: every page audited
with axe-core at WCAG 2.2 AA and none scrolling sideways at 390 px."""

import re

import pyotp
import pytest

from tests.e2e.conftest import VIEWPORTS, AccessibilityAudit, log_in
from tests.factories import PASSWORD, UserFactory
from tests.programs.factories import MINIMAL_PDF, CohortFactory, DirectorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized browser context per person; every page load audited."""
    contexts = []
    audit = AccessibilityAudit()

    def open_context():
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["phone"])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("load", lambda loaded: audit.check(loaded))
        return page

    open_context.audit = audit
    yield open_context
    for context in contexts:
        context.close()


def director_logs_in(page, director, secret: str) -> None:
    page.goto("/accounts/login/?next=/programs/review/")
    page.get_by_label("Email").fill(director.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/programs/review/$"))


def test_a_resident_applies_and_a_director_accepts_them(phone, private_media, tmp_path):
    cohort = CohortFactory(capacity=3, program__title="Resident Leadership Program")
    institution = cohort.program.institutions.order_by("name").first()
    resident = UserFactory(email="rosa.diaz@example.org", first_name="Rosa", last_name="Diaz")
    secret = pyotp.random_base32()
    director = DirectorFactory(totp=secret)
    letter = tmp_path / "letter-of-support.pdf"
    letter.write_bytes(MINIMAL_PDF)

    applicant_page = phone()
    log_in(applicant_page, resident.email)
    applicant_page.goto("/programs/")
    applicant_page.get_by_role("link", name="Resident Leadership Program").click()
    applicant_page.get_by_role("link", name=f"Apply to the {cohort.year} cohort").click()
    applicant_page.get_by_label("Your institution").select_option(label=institution.name)
    applicant_page.get_by_label("Residency program").fill("Pediatrics")
    applicant_page.get_by_label("Year of training (PGY)").fill("3")
    applicant_page.get_by_label("Statement").fill("A wellness curriculum for night-float residents.")
    applicant_page.get_by_label("Letter of support (PDF)").set_input_files(str(letter))
    applicant_page.get_by_role("button", name="Submit application").click()
    applicant_page.wait_for_url(re.compile(r".*/programs/applications/$"))
    assert "Status: Submitted" in applicant_page.inner_text("main")

    director_page = phone()
    director_logs_in(director_page, director, secret)
    director_page.get_by_role("link", name=str(cohort), exact=True).click()
    director_page.get_by_role("link", name="Rosa Diaz").click()
    director_page.get_by_label("Private note (directors only)").fill("Strong letter from Dr Okafor.")
    director_page.get_by_role("button", name="Accept").click()
    director_page.wait_for_url(re.compile(rf".*/programs/review/{cohort.pk}/$"))
    assert "1 of 3 places taken" in director_page.inner_text("main")
    director_page.get_by_role("link", name="Roster", exact=True).click()
    assert f"{institution.name} (1)" in director_page.inner_text("main")

    applicant_page.reload()
    assert "Status: Accepted" in applicant_page.inner_text("main")
    assert phone.audit.pages_checked >= 8
    phone.audit.assert_clean()
