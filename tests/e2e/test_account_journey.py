"""Journey 1: a newcomer signs up, confirms their email, turns on TOTP and fills in the CME profile."""

import re

import pyotp
import pytest
from django.core import mail

from accounts.models import Profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Teach-with-care-2026"


def test_newcomer_signs_up_confirms_enrols_totp_and_completes_the_profile(page):
    page.goto("/")
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("Email").fill("new.faculty@example.org")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("new.faculty@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="My learning").wait_for()

    page.goto("/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before a security change
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name=re.compile("Recovery Codes|Two-Factor Authentication")).first.wait_for()

    # A fresh sign-in now needs the code.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("new.faculty@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code:").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign In").click()

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

    profile = Profile.objects.get(user__email="new.faculty@example.org")
    assert profile.certificate_name == "Nadia Ferreira-Osei, DO"
    assert (profile.birth_month, profile.birth_day) == (3, 14)
    assert profile.reporting_consent is False, "consent is never pre-ticked"
    page.audit.assert_clean()
