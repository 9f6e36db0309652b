"""Journey 1: a newcomer signs up, confirms their email, turns on TOTP and fills in the CME profile;
a new administrator enrols TOTP straight after signing in."""

import re

import pytest
from django.core import mail

from accounts.models import Profile
from tests.e2e.conftest import totp_code
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Teach-with-care-2026"
PHONE = {"width": 390, "height": 844}


def assert_fits_the_width(page):
    """No sideways scrolling: the page is no wider than the window."""
    page.wait_for_load_state("load")  # measured before the stylesheet applies, any page is too wide
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_newcomer_signs_up_confirms_enrols_totp_and_completes_the_profile(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    page.get_by_role("link", name="Create account").click()
    page.get_by_role("heading", name="Sign up", exact=True).wait_for()
    assert_fits_the_width(page)
    page.get_by_label("Email").fill("new.faculty@example.org")
    page.get_by_label("Password (required)", exact=True).fill("teach")
    page.get_by_label("Password (again)").fill("teach")
    page.get_by_role("button", name="Sign up", exact=True).click()

    # The refusal sits under the Password label, and the box says it is described by it.
    password = page.get_by_label("Password (required)", exact=True)
    error = page.locator("#id_password1_error")
    error.wait_for()
    assert "too short" in error.inner_text()
    assert password.get_attribute("aria-invalid") == "true"
    assert "id_password1_error" in password.get_attribute("aria-describedby").split()
    label_box = page.locator("label[for=id_password1]").bounding_box()
    error_box, input_box = error.bounding_box(), password.bounding_box()
    assert label_box["y"] < error_box["y"] < input_box["y"]
    assert_fits_the_width(page)

    password.fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).click()
    page.get_by_role("heading", name="Verify your email address").wait_for()
    assert_fits_the_width(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("heading", name="Confirm email address").wait_for()
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    assert_fits_the_width(page)
    page.get_by_label("Email").fill("new.faculty@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="My learning").wait_for()

    # Signed in a moment ago: the QR code comes at once, no second password prompt.
    page.goto("/accounts/2fa/totp/activate/")
    page.get_by_role("heading", name="Activate authenticator app").wait_for()
    assert page.locator("img.qr-code[src^='data:image/svg+xml']").is_visible()
    assert_fits_the_width(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    assert_fits_the_width(page)

    # A fresh sign-in now needs the code.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("new.faculty@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("heading", name="Two-factor authentication").wait_for()
    assert_fits_the_width(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.get_by_role("link", name="Account").click()
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Ferreira-Osei")
    page.get_by_label("Full name on certificates").fill("Nadia Ferreira-Osei, DO")
    page.get_by_label("Degree / credentials").select_option("DO")
    page.get_by_label("Profession").select_option("physician")
    page.get_by_label("NPI").fill("1234567893")
    page.get_by_label("Birth month").select_option("3")
    page.get_by_label("Birth day").select_option("14")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your CME profile was saved.").wait_for()
    assert_fits_the_width(page)

    for path, heading in [
        ("/accounts/email/", "Email addresses"),
        ("/accounts/password/change/", "Change password"),
        ("/accounts/2fa/", "Two-factor authentication"),
    ]:
        page.goto(path)
        page.get_by_role("heading", name=heading, exact=True).wait_for()
        assert_fits_the_width(page)

    profile = Profile.objects.get(user__email="new.faculty@example.org")
    assert profile.certificate_name == "Nadia Ferreira-Osei, DO"
    assert (profile.birth_month, profile.birth_day) == (3, 14)
    assert profile.reporting_consent is False, "consent is never pre-ticked"
    page.audit.assert_clean()


def test_new_administrator_signs_in_and_scans_the_qr_code_straight_away(page):
    administrator = UserFactory(email="first.admin@example.org", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.get_by_label("Email").fill(administrator.email)
    page.get_by_label("Password").fill(FACTORY_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    page.get_by_role("heading", name="Activate authenticator app").wait_for()
    assert page.get_by_role("heading", name="Confirm access").count() == 0
    page.get_by_text("Administrators must turn on two-factor authentication").wait_for()
    qr_code = page.locator("img.qr-code[src^='data:image/svg+xml']")
    assert qr_code.is_visible() and qr_code.bounding_box()["width"] >= 150
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()

    page.goto("/admin/")
    page.get_by_role("heading", name="Site administration").wait_for()
    page.audit.assert_clean()
