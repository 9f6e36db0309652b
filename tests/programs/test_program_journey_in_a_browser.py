"""A resident applies on a phone and a director accepts them, in Chromium: every page audited
with axe-core at WCAG 2.2 AA and none scrolling sideways at 390 px."""

import re

import pyotp
import pytest

from tests.e2e.conftest import log_in, log_in_with_code
from tests.e2e.conftest import phone as phone  # noqa: F401 — the phone contexts fixture
from tests.factories import UserFactory
from tests.programs.factories import MINIMAL_PDF, CohortFactory, DirectorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_applies_and_a_director_accepts_them(phone, private_media, tmp_path):
    cohort = CohortFactory(capacity=3, program__title="Resident Leadership Program")
    institution = cohort.program.institutions.order_by("name").first()
    resident = UserFactory(email="rosa.diaz@example.org", first_name="Rosa", last_name="Diaz")
    secret = pyotp.random_base32()
    director = DirectorFactory(totp=secret)
    letter = tmp_path / "letter-of-support.pdf"
    letter.write_bytes(MINIMAL_PDF)

    # Each page is audited before the journey moves on: on a busy machine the audit of a page
    # load can lose the race with the next click.
    audit = phone.audit
    applicant_page = phone()
    log_in(applicant_page, resident.email)
    applicant_page.goto("/programs/")
    audit.check_now(applicant_page)
    applicant_page.get_by_role("link", name="Resident Leadership Program").click()
    applicant_page.get_by_role("link", name=f"Apply to the {cohort.year} cohort").wait_for()
    audit.check_now(applicant_page)
    applicant_page.get_by_role("link", name=f"Apply to the {cohort.year} cohort").click()
    applicant_page.get_by_label("Your institution").wait_for()
    audit.check_now(applicant_page)
    applicant_page.get_by_label("Your institution").select_option(label=institution.name)
    applicant_page.get_by_label("Residency program").fill("Pediatrics")
    applicant_page.get_by_label("Year of training (PGY)").fill("3")
    applicant_page.get_by_label("Statement").fill("A wellness curriculum for night-float residents.")
    applicant_page.get_by_label("Letter of support (PDF)").set_input_files(str(letter))
    applicant_page.get_by_role("button", name="Submit application").click()
    applicant_page.wait_for_url(re.compile(r".*/programs/applications/$"))
    audit.check_now(applicant_page)
    assert "Status: Submitted" in applicant_page.inner_text("main")

    director_page = phone()
    log_in_with_code(director_page, director.email, secret=secret, next_path="/programs/review/")
    audit.check_now(director_page)
    director_page.get_by_role("link", name=str(cohort), exact=True).click()
    director_page.get_by_role("link", name="Rosa Diaz").wait_for()
    audit.check_now(director_page)
    director_page.get_by_role("link", name="Rosa Diaz").click()
    director_page.get_by_label("Private note (directors only)").wait_for()
    audit.check_now(director_page)
    director_page.get_by_label("Private note (directors only)").fill("Strong letter from Dr Okafor.")
    director_page.get_by_role("button", name="Accept").click()
    director_page.wait_for_url(re.compile(rf".*/programs/review/{cohort.pk}/$"))
    audit.check_now(director_page)
    assert "1 of 3 places taken" in director_page.inner_text("main")
    director_page.get_by_role("link", name="Roster", exact=True).click()
    director_page.wait_for_url(re.compile(r".*/roster/$"))
    audit.check_now(director_page)
    assert f"{institution.name} (1)" in director_page.inner_text("main")

    applicant_page.reload()
    audit.check_now(applicant_page)
    assert "Status: Accepted" in applicant_page.inner_text("main")
    assert phone.audit.pages_checked >= 8
    phone.audit.assert_clean()
