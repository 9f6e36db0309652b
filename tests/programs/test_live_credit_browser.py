"""In a real browser, on a phone: an attendee claims a live session's credit and downloads
the certificate; a director designates a session. Every page passes axe-core and fits 390 px."""

import re

import pyotp
import pytest

from tests.e2e.conftest import log_in, page  # noqa: F401 — the audited browser page fixture
from tests.factories import PASSWORD
from tests.programs.factories import DirectorFactory, LiveSessionFactory
from tests.programs.test_live_credit import url

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_director_designates_a_session_on_a_phone(page):  # noqa: F811
    session = LiveSessionFactory(title="Negotiating for your program")
    director = DirectorFactory()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(director.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(pyotp.TOTP(director.totp_secret).now())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(url("designate", session))
    page.get_by_label("Maximum credits").fill("1.5")
    page.get_by_label("ACCME activity ID").fill("004400123")
    page.locator("#id_faculty-0-name").fill("Dr. Ines Okafor")
    page.get_by_role("button", name="Designate for credit").click()
    page.get_by_text("designated as a live course for up to 1.5").wait_for()

    page.audit.assert_clean()
