import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_up(client, email="new.educator@example.org"):
    password = "Correct-Horse-Battery-9"
    return client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})


def _logged_in(client) -> bool:
    return client.get(reverse("accounts:profile")).status_code == 200


def test_newcomer_signs_up_confirms_email_and_logs_in(client):
    response = _sign_up(client)
    assert response.status_code == 302
    assert not _logged_in(client), "an unconfirmed account must not be signed in"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.educator@example.org"]
    confirm_url = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    path = (
        confirm_url.split("testserver", 1)[-1]
        if "testserver" in confirm_url
        else re.sub(r"^https?://[^/]+", "", confirm_url)
    )

    page = client.get(path)
    assert page.status_code == 200
    assert b"Confirm" in page.content
    client.post(path)

    response = client.post(
        reverse("account_login"), {"login": "new.educator@example.org", "password": "Correct-Horse-Battery-9"}
    )
    assert response.status_code == 302
    assert _logged_in(client)


def test_sign_up_asks_for_the_password_twice_and_rejects_a_mismatch(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": "Correct-Horse-Battery-9", "password2": "Different-Horse-1"},
    )
    assert response.status_code == 200
    assert b"same password" in response.content
    assert not get_user_model().objects.filter(email="x@example.org").exists()


def test_unverified_account_cannot_log_in(client):
    UserFactory(email="unverified@example.org", verified_email=False)
    response = client.post(reverse("account_login"), {"login": "unverified@example.org", "password": PASSWORD})
    assert not _logged_in(client)
    # allauth re-sends the confirmation instead of letting them in.
    assert response.status_code in (200, 302)
    assert any("unverified@example.org" in m.to for m in mail.outbox)


def test_password_reset_by_email(client):
    UserFactory(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    reset_path = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(reset_path, follow=True)
    new = "Brand-New-Password-77"
    client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert Client().login(username="forgetful@example.org", password=new)


def test_login_rate_limit_trips_across_browsers_after_repeated_failures():
    UserFactory(email="target@example.org")
    for _ in range(5):
        response = Client().post(
            reverse("account_login"), {"login": "target@example.org", "password": "wrong-password"}
        )
        assert response.status_code == 200
    # A sixth try from a different browser (a fresh client) is refused even with the right
    # password: the counter lives in the shared cache, not in one process or session.
    blocked = Client().post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD})
    assert blocked.status_code in (200, 429)
    assert b"Too many failed login attempts" in blocked.content
    assert "_auth_user_id" not in blocked.client.session
