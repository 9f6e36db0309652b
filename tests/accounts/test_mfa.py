import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.markup import parse

pytestmark = pytest.mark.django_db


def _log_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def _enrol_totp(client) -> str:
    # Signed in a moment ago, so the password just typed is proof enough: no second prompt.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content).group(1).decode()
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302, response.content[:2000]
    return secret


def test_educator_enrols_totp_and_then_logs_in_with_a_code():
    user = UserFactory(email="mfa@example.org")
    client = Client()
    _log_in(client, user.email)
    secret = _enrol_totp(client)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    fresh = Client()
    response = _log_in(fresh, user.email)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert fresh.get(reverse("accounts:profile")).status_code == 302, "password alone must not sign in"

    fresh.post(reverse("mfa_authenticate"), {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert fresh.get(reverse("accounts:profile")).status_code == 302, "a wrong code must not sign in"

    fresh.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()})
    assert fresh.get(reverse("accounts:profile")).status_code == 200


def test_a_recovery_code_works_exactly_once():
    user = UserFactory(email="recovery@example.org")
    client = Client()
    _log_in(client, user.email)
    _enrol_totp(client)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) >= 8

    first = Client()
    _log_in(first, user.email)
    first.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert first.get(reverse("accounts:profile")).status_code == 200

    second = Client()
    _log_in(second, user.email)
    second.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert second.get(reverse("accounts:profile")).status_code == 302


def test_staff_without_mfa_are_sent_to_enrol_before_the_admin():
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    client = Client()
    _log_in(client, staff.email)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")

    _enrol_totp(client)
    assert client.get(reverse("admin:index")).status_code == 200


def _qr_codes(page) -> list:
    return [
        img for img in parse(page.content).iter("img") if img.get("src", "").startswith("data:image/svg+xml;base64,")
    ]


def test_staff_who_just_signed_in_see_the_qr_code_at_once_without_a_second_password_prompt():
    staff = UserFactory(email="new.admin@example.org", is_staff=True, is_superuser=True)
    client = Client()
    _log_in(client, staff.email)
    page = client.get(reverse("admin:index"), follow=True)
    assert page.redirect_chain == [(reverse("mfa_activate_totp"), 302)]
    text = page.content.decode()
    assert "Confirm access" not in text
    assert "Administrators must turn on two-factor authentication" in text
    assert len(_qr_codes(page)) == 1
    assert "scan the QR code below" in text


def test_a_sign_in_older_than_the_reauthentication_timeout_asks_for_the_password_first(settings):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # every sign-in is already too old
    staff = UserFactory(email="old.session@example.org", is_staff=True, is_superuser=True)
    client = Client()
    _log_in(client, staff.email)
    page = client.get(reverse("admin:index"), follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    text = page.content.decode()
    assert "<h1>Confirm access</h1>" in text
    # The banner that sent them here must not promise a code this page does not show.
    assert "Administrators must turn on two-factor authentication" in text
    assert "code below" not in text and not _qr_codes(page)

    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
    page = client.post(page.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert page.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert len(_qr_codes(page)) == 1


def test_a_session_not_born_of_a_sign_in_form_still_confirms_the_password_before_enrolling(user):
    client = Client()
    client.force_login(user)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate"))


def test_admin_login_goes_through_allauth_not_the_bare_django_form(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
