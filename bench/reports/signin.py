"""The benchmark's administrator signs in as a real one does: a password, TOTP enrolment
through allauth's pages, then the password and a code; a streaming child continues that
session instead of signing in again."""

import os
import re
import secrets
import time

from bench.reports.environment import SESSION_VARIABLE, check

ADMINISTRATOR_EMAIL = "bench-admin@bench.example"


def fresh_totp_code(secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def post_code(client, url: str, secret: str):
    """A code typed a moment before its 30 s window closed can arrive in the next one; a person
    then types the new code, and so does this."""
    response = client.post(url, {"code": fresh_totp_code(secret)})
    if response.status_code == 200:  # the form again, with "incorrect code"
        time.sleep(1)
        response = client.post(url, {"code": fresh_totp_code(secret)})
    return response


def administrator_with_password():
    """The benchmark's superuser, with a verified email (allauth signs in no one without)
    and a new password; any authenticator of an earlier run goes, since its secret went
    with that run."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(24)
    administrator, _ = get_user_model().objects.get_or_create(
        username=ADMINISTRATOR_EMAIL, defaults={"email": ADMINISTRATOR_EMAIL, "is_staff": True, "is_superuser": True}
    )
    administrator.set_password(password)
    administrator.save()
    EmailAddress.objects.update_or_create(
        user=administrator, email=ADMINISTRATOR_EMAIL, defaults={"verified": True, "primary": True}
    )
    Authenticator.objects.filter(user=administrator).delete()
    return password


def enrol_totp(password: str) -> str:
    """The administrator's first visit: password, sent from the reports to TOTP enrolment,
    the secret read from the page as an authenticator app would scan it, a code to confirm."""
    from django.test import Client
    from django.urls import reverse

    browser = Client()
    response = browser.post(reverse("account_login"), {"login": ADMINISTRATOR_EMAIL, "password": password})
    check(response.status_code == 302, f"signing in with the password answered {response.status_code}")
    response = browser.get("/reports/")
    check(
        response.status_code == 302 and response.url == reverse("mfa_activate_totp"),
        f"the reports did not send an administrator without a second factor to enrolment: {response.status_code}",
    )
    page = browser.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
        browser.post(page.url, {"password": password})  # allauth asks again before a security change
        page = browser.get(reverse("mfa_activate_totp"))
    found = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content)
    check(page.status_code == 200 and found is not None, f"no TOTP secret on the enrolment page ({page.status_code})")
    secret = found.group(1).decode()
    response = post_code(browser, reverse("mfa_activate_totp"), secret)
    check(response.status_code == 302, f"the enrolment refused its code ({response.status_code})")
    return secret


def signed_in_client():
    """A new browser of the enrolled administrator: password, then a code from the authenticator."""
    from django.test import Client
    from django.urls import reverse

    password = administrator_with_password()
    secret = enrol_totp(password)
    client = Client()
    response = client.post(reverse("account_login"), {"login": ADMINISTRATOR_EMAIL, "password": password})
    check(
        response.status_code == 302 and response.url == reverse("mfa_authenticate"),
        f"the password alone should lead to the code step, not {response.status_code} {response.get('Location')}",
    )
    response = post_code(client, reverse("mfa_authenticate"), secret)
    check(response.status_code == 302, f"the sign-in code was refused ({response.status_code})")
    return client


def continued_session_client():
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = os.environ[SESSION_VARIABLE]
    return client
