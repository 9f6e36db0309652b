import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _log_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def _enrol_totp(client) -> str:
    # Turning on MFA is a sensitive change: allauth first asks for the password again.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate"))
    client.post(page.url, {"password": PASSWORD})
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
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)).get_unused_codes()
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


def test_admin_login_goes_through_allauth_not_the_bare_django_form(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
