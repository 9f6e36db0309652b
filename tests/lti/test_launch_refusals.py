"""Launches Docere must turn away: each gets a page in Docere's words that says what to do,
while the administrator's log keeps the technical reason. Nothing is recorded for them."""

import logging

import pytest
from lti_tool.models import LtiDeployment, LtiRegistration

from lti.models import PlatformAccount
from tests.lti.conftest import launch, login_step
from tests.lti.platform import new_key, new_nonce

pytestmark = pytest.mark.django_db

# What the library says, which must never reach the person at the browser.
LIBRARY_WORDS = [
    "Registration not found",
    "JWT KID",
    "Unable to find",
    "Invalid Nonce",
    "State not found",
    "Can't decode",
    "Signature",
    "Client id",
    "Incorrect version",
]


def assert_refused(response, caplog, *, status: int, says: str, logged: str) -> None:
    page = response.content.decode()
    assert response.status_code == status, page[:600]
    assert "Docere could not open" in page and says in page
    assert not any(words in page for words in LIBRARY_WORDS)
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any(logged in message for message in warnings), warnings
    assert not PlatformAccount.objects.exists()


@pytest.mark.parametrize(
    ("token_options", "status", "says", "logged"),
    [
        (
            {"extra": {"iss": "http://127.0.0.1:9/other-lms"}},
            403,
            "does not know the LMS this launch comes from",
            "Registration not found",
        ),
        ({"extra": {"aud": "another-tool"}}, 403, "meant for another tool", "Registration not found"),
        (
            {"extra": {"aud": ["docere-at-lakeside", "another-tool"], "azp": "another-tool"}},
            403,
            "meant for another tool",
            "azp 'another-tool'",
        ),
        ({"kid": "a-key-the-platform-retired"}, 403, "a key the LMS does not publish", "Unable to find public key"),
        ({"algorithm": "none"}, 403, "not signed the way LTI requires", "alg is 'none'"),
        (
            {"algorithm": "HS256", "key": b"the platform's public key, misused as a secret"},
            403,
            "not signed the way LTI requires",
            "alg is 'HS256'",
        ),
        ({"key": new_key()}, 403, "signature does not match the LMS", "Signature verification failed"),
        ({"expires_in": -60}, 400, "This launch has expired", "Signature has expired"),
        ({"nonce": new_nonce()}, 400, "does not belong to a sign-in Docere started", "Invalid Nonce"),
        (
            {"extra": {"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}},
            400,
            "kind of launch Docere cannot read",
            "Incorrect version",
        ),
    ],
    ids=[
        "unknown-issuer",
        "wrong-audience",
        "wrong-authorized-party",
        "unknown-kid",
        "alg-none",
        "alg-hs256",
        "another-key",
        "expired",
        "nonce-not-issued",
        "not-lti-1.3",
    ],
)
def test_a_launch_docere_cannot_trust_is_refused_in_docere_words(
    client, platform, registration, course, caplog, token_options, status, says, logged
):
    response = launch(client, platform, registration, custom={"docere_course": course.slug}, **token_options)
    assert_refused(response, caplog, status=status, says=says, logged=logged)


def test_a_launch_with_a_state_docere_did_not_start_is_refused(client, platform, registration, course, caplog):
    authorization = login_step(client, platform, registration)
    token = platform.id_token(nonce=authorization["nonce"], custom={"docere_course": course.slug})
    response = client.post("/lti/launch/", {"id_token": token, "state": "state-from-another-browser"})
    assert_refused(response, caplog, status=400, says="sign-in it started from this browser", logged="State not found")


def test_unknown_deployments_wait_inactive_up_to_the_cap_then_are_refused(
    client, platform, registration, course, caplog, settings
):
    settings.LTI_UNKNOWN_DEPLOYMENTS_MAX = 2
    for deployment_id in ("new-deployment-1", "new-deployment-2"):
        response = launch(
            client, platform, registration, deployment_id=deployment_id, custom={"docere_course": course.slug}
        )
        assert response.status_code == 403 and "waiting for a Docere administrator" in response.content.decode()
    response = launch(
        client, platform, registration, deployment_id="new-deployment-3", custom={"docere_course": course.slug}
    )
    assert_refused(
        response,
        caplog,
        status=403,
        says="Ask a Docere administrator to add and activate it",
        logged="LTI_UNKNOWN_DEPLOYMENTS_MAX",
    )
    assert sorted(LtiDeployment.objects.filter(is_active=False).values_list("deployment_id", flat=True)) == [
        "new-deployment-1",
        "new-deployment-2",
    ]
    # A deployment already waiting is still told it waits, not refused as one too many.
    again = launch(
        client, platform, registration, deployment_id="new-deployment-1", custom={"docere_course": course.slug}
    )
    assert "waiting for a Docere administrator" in again.content.decode()


@pytest.mark.parametrize(
    "token_options",
    [
        {"extra": {"iss": "http://127.0.0.1:9/other-lms"}},  # a platform nobody registered
        {"extra": {"aud": "another-tool"}},  # a registered issuer, but not Docere's client id
        {"key": new_key()},  # the registered platform's name, someone else's key
    ],
    ids=["unregistered-issuer", "unregistered-client", "forged-signature"],
)
def test_only_a_registered_platforms_verified_launch_records_a_deployment(
    client, platform, registration, course, token_options
):
    launch(
        client,
        platform,
        registration,
        deployment_id="never-seen-before",
        custom={"docere_course": course.slug},
        **token_options,
    )
    assert not LtiDeployment.objects.filter(deployment_id="never-seen-before").exists()
    assert LtiDeployment.objects.count() == LtiRegistration.objects.count() == 1


def test_a_login_from_an_unregistered_platform_is_refused_and_logged(client, db, caplog):
    response = client.post(
        "/lti/login/",
        {
            "iss": "http://127.0.0.1:9/unknown-lms",
            "login_hint": "x",
            "client_id": "someone",
            "target_link_uri": "http://testserver/lti/launch/",
        },
    )
    assert response.status_code == 400 and "does not know this LMS" in response.content.decode()
    [logged] = [record for record in caplog.records if record.getMessage().startswith("LTI login refused")]
    library_reason = logged.getMessage().split(": ", 2)[-1]
    assert logged.levelno == logging.WARNING and library_reason
    assert library_reason not in response.content.decode()
