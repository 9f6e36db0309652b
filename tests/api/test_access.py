"""Who may call the API: bearer tokens only, hashed at rest, scoped, expiring, revocable, logged."""

import hashlib
from datetime import timedelta

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Group
from django.utils import timezone

from api import services
from api.models import AccessToken, ApiCall, TokenScope
from tests.api.conftest import make_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_registrar_reads_completions_with_the_token_like_curl_would(api_get):
    response = api_get("/api/v1/completions")
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None, "has_more": False}


def test_a_call_without_a_token_is_refused_with_a_json_message(client):
    response = client.get("/api/v1/completions")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "access token" in response.json()["message"]
    # RFC 6750 §3.1: no credentials sent, so the challenge carries no error code.
    assert response["WWW-Authenticate"] == 'Bearer realm="Docere API"'


def test_credentials_of_another_scheme_get_the_bare_challenge(client):
    response = client.get("/api/v1/completions", headers={"Authorization": "Basic YWRhOnNlY3JldA=="})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="Docere API"'


def expire(token_row):
    AccessToken.objects.filter(pk=token_row.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1), created_at=timezone.now() - timedelta(days=2)
    )


def revoke(token_row):
    services.access_token_revoke(token=token_row, actor=UserFactory(is_staff=True))


@pytest.mark.parametrize(
    ("spoil", "description"),
    [
        (None, "The access token is not recognised"),
        (expire, "The access token has expired"),
        (revoke, "The access token was revoked"),
    ],
)
def test_an_unusable_token_gets_an_invalid_token_challenge(api_get, token, spoil, description):
    if spoil:
        spoil(AccessToken.objects.get())
    response = api_get("/api/v1/completions", secret=token if spoil else "dct_not-a-real-token")
    assert response.status_code == 401
    # RFC 6750 §3 and §3.1: a bearer token was sent and cannot be used.
    assert response["WWW-Authenticate"] == (
        f'Bearer realm="Docere API", error="invalid_token", error_description="{description}"'
    )
    assert response.json()["message"].startswith(description + ". Send a valid, unexpired access token")


@pytest.mark.parametrize(("spoil", "reason"), [(expire, "has expired"), (revoke, "was revoked")])
def test_a_call_refused_for_an_expired_or_revoked_token_is_logged_with_its_prefix(
    api_get, token, caplog, spoil, reason
):
    row = AccessToken.objects.get()
    spoil(row)
    with caplog.at_level("WARNING", logger="api.auth"):
        api_get("/api/v1/certificates", limit=5)
    [record] = [record for record in caplog.records if record.name == "api.auth"]
    assert record.getMessage() == f"API call refused: token {row.prefix}… (Registrar nightly import) {reason}"
    assert token[len(row.prefix) :] not in caplog.text
    call = ApiCall.objects.get()
    assert (call.token, call.status_code, call.query) == (row, 401, "limit=5")
    assert str(call.token) == f"Registrar nightly import ({row.prefix}…)"


def test_an_unknown_token_is_logged_without_anything_of_it(api_get, caplog):
    with caplog.at_level("DEBUG"):
        api_get("/api/v1/completions", secret="dct_some-other-systems-secret")
    assert "dct_some" not in caplog.text
    assert ApiCall.objects.get().token is None


def test_a_signed_in_staff_session_is_not_an_api_credential(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/api/v1/completions").status_code == 401


@pytest.mark.parametrize("secret", ["dct_not-a-real-token", "", "Basic abc"])
def test_made_up_tokens_are_refused(api_get, secret):
    assert api_get("/api/v1/completions", secret=secret or None).status_code == 401


def test_an_expired_token_stops_working(api_get, token):
    AccessToken.objects.update(
        expires_at=timezone.now() - timedelta(seconds=1), created_at=timezone.now() - timedelta(days=2)
    )
    assert api_get("/api/v1/completions").status_code == 401


def test_a_revoked_token_stops_working_at_once(api_get, token):
    admin = UserFactory(is_staff=True)
    services.access_token_revoke(token=AccessToken.objects.get(), actor=admin)
    assert api_get("/api/v1/completions").status_code == 401
    assert AccessToken.objects.get().revoked_by == admin


def test_a_catalog_token_reads_courses_but_not_learners_records(api_get):
    catalog = make_token(scope=TokenScope.READ_CATALOG, name="Catalog syndication")
    assert api_get("/api/v1/courses", secret=catalog).status_code == 200
    refused = api_get("/api/v1/completions", secret=catalog)
    assert refused.status_code == 403
    assert "read" in refused.json()["message"]
    # RFC 6750 §3.1: insufficient_scope, naming the scope that would do.
    assert refused["WWW-Authenticate"] == (
        'Bearer realm="Docere API", error="insufficient_scope", '
        'error_description="The token\'s scope does not cover this endpoint", scope="read"'
    )


def test_only_the_hash_of_a_token_is_stored(token):
    row = AccessToken.objects.get()
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in AccessToken.objects.values().get().values()]
    assert token not in stored
    assert token.startswith(row.prefix) and len(row.prefix) == 12


def test_every_call_is_logged_with_its_token_path_and_time(api_get, client, token):
    api_get("/api/v1/completions", limit=5)
    client.get("/api/v1/courses")
    calls = list(ApiCall.objects.order_by("id"))
    assert [(call.path, call.status_code) for call in calls] == [("/api/v1/completions", 200), ("/api/v1/courses", 401)]
    assert calls[0].token == AccessToken.objects.get() and calls[0].query == "limit=5"
    assert calls[1].token is None
    assert all(abs((timezone.now() - call.at).total_seconds()) < 60 for call in calls)
    assert AccessToken.objects.get().last_used_at is not None


def test_a_refused_scope_is_logged_against_the_token(api_get):
    catalog = make_token(scope=TokenScope.READ_CATALOG, name="Catalog")
    api_get("/api/v1/certificates", secret=catalog)
    assert ApiCall.objects.get().token.name == "Catalog"


def cme_administrator():
    user = UserFactory(email="cme-admin@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="CME administrators"))
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(pyotp.random_base32())}
    )
    return user


def test_cme_administrator_creates_a_token_in_the_admin_and_sees_it_once(client):
    client.force_login(cme_administrator())
    expires = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d")
    page = client.post(
        "/admin/api/accesstoken/add/",
        {
            "name": "Registrar nightly import",
            "scope": "read",
            "expires_at_0": expires,
            "expires_at_1": "12:00:00",
        },
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = page.context["secret"]
    assert secret.startswith("dct_") and secret in page.content.decode()
    assert client.get("/api/v1/completions", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = client.get("/admin/api/accesstoken/").content.decode()
    detail = client.get(f"/admin/api/accesstoken/{AccessToken.objects.get().pk}/change/").content.decode()
    assert secret not in listing and secret not in detail
    assert "Registrar nightly import" in listing


def test_admin_refuses_a_token_that_expires_in_the_past(client):
    client.force_login(cme_administrator())
    page = client.post(
        "/admin/api/accesstoken/add/",
        {"name": "Old", "scope": "read", "expires_at_0": "2001-01-01", "expires_at_1": "12:00:00"},
    )
    assert "Choose an expiry date in the future." in page.content.decode()
    assert not AccessToken.objects.exists()


def test_cme_administrator_revokes_a_token_from_the_list(client, api_get, token):
    client.force_login(cme_administrator())
    client.post("/admin/api/accesstoken/", {"action": "revoke", "_selected_action": [AccessToken.objects.get().pk]})
    assert AccessToken.objects.get().revoked_at is not None
    assert api_get("/api/v1/completions").status_code == 401
