"""In a real browser, on a phone: an attendee claims a live session's credit and downloads
the certificate; a director designates a session. Every page passes axe-core and fits 390 px."""

import pytest

from tests.e2e.conftest import log_in, log_in_with_code, page  # noqa: F401 — the audited browser page fixture
from tests.programs.factories import DirectorFactory, LiveSessionFactory
from tests.programs.test_live_credit import url

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_director_designates_a_session_on_a_phone(page):  # noqa: F811
    session = LiveSessionFactory(title="Negotiating for your program")
    director = DirectorFactory()

    log_in_with_code(page, director.email, secret=director.totp_secret, next_path=url("designate", session))
    page.get_by_label("Maximum credits").fill("1.5")
    page.get_by_label("ACCME activity ID").fill("004400123")
    page.locator("#id_faculty-0-name").fill("Dr. Ines Okafor")
    page.get_by_role("button", name="Designate for credit").click()
    page.get_by_text("designated as a live course for up to 1.5").wait_for()

    page.audit.assert_clean()
