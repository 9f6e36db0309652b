"""Every ready certificate has an Open Badges 3.0 credential, signed as VC-JWT, that anyone
can verify with the key its header names and whose revocation shows in Docere's status list."""

import base64
import hashlib
import io
import json

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command

from certificates.models import CertificateStatus
from certificates.services import certificate_revoke
from tests.api.records import bare_course, certificate, completion
from tests.badges.verifier import (
    OFFICIAL_SCHEMA,
    NotVerified,
    credential_status,
    schema_errors,
    verify_jws,
    verify_open_badge,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    settings.OPEN_BADGES_SIGNING_KEY_FILES = []
    settings.OPEN_BADGES_GENERATED_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def ready(db):
    course = bare_course(title="Feedback that lands", summary="Feedback moves for the wards.")
    return certificate(completion(course, name="Amara Fenwick-Oduya, MD"))


def download(client, made) -> str:
    client.force_login(made.user)
    response = client.get(f"/credentials/{made.code}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="docere-credential-{made.code}.jwt"'
    return response.content.decode()


def payload_of(token: str) -> dict:
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def test_learner_downloads_a_credential_that_an_independent_verifier_accepts(client, ready):
    credential = verify_open_badge(client, download(client, ready)).credential
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["credentialSubject"]["achievement"]["name"] == "Feedback that lands"
    assert (
        "claimed 1 AMA PRA Category 1 Credit™"
        in credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    )
    assert credential_status(client, credential).is_set is False


def test_header_is_exactly_alg_kid_and_typ(client, ready):
    header = jwt.get_unverified_header(download(client, ready))
    assert set(header) == {"alg", "kid", "typ"}
    assert header["alg"] in {"RS256", "ES256"} and header["typ"] == "JWT"
    assert header["kid"].startswith(settings.SITE_URL + "/credentials/keys/")


def test_jwt_payload_is_the_credential_itself_beside_the_registered_claims(client, ready):
    """OB 3.0 §8.2.4: no VC 1.1 `vc` wrapper; the claims repeat the credential's own fields."""
    token = download(client, ready)
    payload = payload_of(token)
    assert "vc" not in payload
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["iss"] == payload["issuer"]["id"] == settings.SITE_URL + "/credentials/issuer"
    assert payload["jti"] == payload["id"] == f"{settings.SITE_URL}/credentials/{ready.code}/"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["nbf"] == int(ready.issued_at.timestamp())
    assert payload["validFrom"] == ready.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    # No validUntil, so no exp (§8.2.4: exp is required only with validUntil).
    assert "exp" not in payload and "validUntil" not in payload
    assert verify_jws(client, token).claims == payload


def test_the_verifier_refuses_the_old_vc_claim_wrapper_even_when_signed(client, ready, settings):
    """The check that failed before the fix: Docere's key, the old VC 1.1 payload shape."""
    token = download(client, ready)
    header = jwt.get_unverified_header(token)
    (key_file,) = settings.OPEN_BADGES_GENERATED_KEY_DIR.glob("*.pem")
    claims = payload_of(token)
    registered = {name: claims.pop(name) for name in ("iss", "jti", "sub", "nbf")}
    old_shape = jwt.encode(
        {**registered, "vc": claims},
        key_file.read_bytes(),
        algorithm=header["alg"],
        headers={"kid": header["kid"], "typ": "JWT"},
    )
    with pytest.raises(NotVerified, match="`vc` claim"):
        verify_open_badge(client, old_shape)
    mismatched = jwt.encode(
        {**claims, **registered, "sub": "urn:uuid:someone-else"},
        key_file.read_bytes(),
        algorithm=header["alg"],
        headers={"kid": header["kid"], "typ": "JWT"},
    )
    with pytest.raises(NotVerified, match="Claim sub"):
        verify_open_badge(client, mismatched)


def test_a_tampered_credential_fails_verification(client, ready):
    header, payload, signature = download(client, ready).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["creditsEarned"] = 40.0
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(NotVerified, match="Signature"):
        verify_open_badge(client, f"{header}.{forged}.{signature}")


def test_the_email_is_carried_only_as_a_salted_hash(client, ready):
    credential = verify_open_badge(client, download(client, ready)).credential
    email, name = credential["credentialSubject"]["identifier"]
    assert ready.user.email not in json.dumps(credential)
    assert email["hashed"] is True and email["identityType"] == "emailAddress"
    assert email["identityHash"] == "sha256$" + hashlib.sha256((ready.user.email + email["salt"]).encode()).hexdigest()
    assert name == {
        "type": "IdentityObject",
        "identityHash": "Amara Fenwick-Oduya, MD",
        "identityType": "name",
        "hashed": False,
    }


def test_credentials_validate_against_the_official_schema_with_no_exceptions(client, ready):
    participation = certificate(completion(bare_course(title="Ward rounds", summary="Rounds.")))
    for made in (ready, participation):
        credential = verify_jws(client, download(client, made)).credential
        assert schema_errors(credential) == []


def test_the_shipped_schema_is_the_vc_2_0_revision():
    """An outdated copy (VC 1.1, `issuanceDate`) would fail here, and every credential with it."""
    assert "validFrom" in OFFICIAL_SCHEMA["required"] and "issuanceDate" not in OFFICIAL_SCHEMA["required"]
    assert "issuanceDate" not in OFFICIAL_SCHEMA["properties"]
    assert OFFICIAL_SCHEMA["properties"]["@context"]["items"][0] == {"enum": ["https://www.w3.org/ns/credentials/v2"]}
    old_style = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": "https://example.org/",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {}},
    }
    assert "'validFrom' is a required property" in "".join(schema_errors(old_style))


def test_revoking_the_certificate_sets_its_bit_in_the_published_status_list(client, ready):
    other = certificate(completion(bare_course()))
    credential = verify_open_badge(client, download(client, ready)).credential
    other_credential = verify_open_badge(client, download(client, other)).credential
    assert credential_status(client, credential).is_set is False

    certificate_revoke(certificate=ready, actor=UserFactory(is_staff=True), reason="Attendance not confirmed.")

    assert credential_status(client, credential).is_set is True
    assert credential_status(client, other_credential).is_set is False


def test_the_status_list_is_a_current_bitstring_status_list_credential(client, ready):
    """Bitstring Status List v1.0 §2.2: a VC 2.0 credential, secured like the credentials that
    point at it (§3.6), whose ttl agrees with its HTTP caching."""
    credential = verify_open_badge(client, download(client, ready)).credential
    entry = credential["credentialStatus"]
    assert set(entry) == {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}
    listed = credential_status(client, credential).list_credential
    assert "vc" not in listed.claims
    assert listed.credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed.claims["iss"] == listed.credential["issuer"] == credential["issuer"]["id"]
    response = client.get(entry["statusListCredential"].removeprefix(settings.SITE_URL))
    assert response["Content-Type"] == "application/jwt"
    assert response["Cache-Control"] == "public, max-age=300"
    assert listed.credential["credentialSubject"]["ttl"] == 300_000


def test_only_the_owner_downloads_and_only_ready_certificates(client, ready):
    client.force_login(UserFactory())
    assert client.get(f"/credentials/{ready.code}/download/").status_code == 404
    pending = certificate(completion(bare_course()), status=CertificateStatus.PENDING)
    client.force_login(pending.user)
    assert client.get(f"/credentials/{pending.code}/download/").status_code == 404


def test_public_credential_link_serves_ready_and_refuses_revoked(client, ready):
    public = client.get(f"/credentials/{ready.code}/")
    assert public.status_code == 200 and public["Content-Type"] == "application/jwt"
    certificate_revoke(certificate=ready, actor=UserFactory(is_staff=True), reason="Duplicate.")
    gone = client.get(f"/credentials/{ready.code}/")
    assert gone.status_code == 410 and "revoked" in gone.json()["message"]


def test_after_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key(client, ready):
    old = download(client, ready)
    call_command("badges_rotate_key", stdout=io.StringIO())
    new = download(client, ready)
    assert jwt.get_unverified_header(old)["kid"] != jwt.get_unverified_header(new)["kid"]
    assert verify_open_badge(client, old).credential == verify_open_badge(client, new).credential
    assert len(client.get("/credentials/keys/").json()["keys"]) == 2
    # The status list is now signed with the new key; the old credential's status still reads,
    # and a revocation after the rotation reaches it.
    old_credential = verify_open_badge(client, old).credential
    assert credential_status(client, old_credential).is_set is False
    certificate_revoke(certificate=ready, actor=UserFactory(is_staff=True), reason="Duplicate.")
    assert credential_status(client, old_credential).is_set is True


def test_issuer_profile_is_public(client):
    profile = client.get("/credentials/issuer").json()
    assert profile["type"] == ["Profile"] and profile["name"] == settings.OPEN_BADGES_ISSUER_NAME


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_a_person_following_the_credential_link_sees_its_facts_and_a_download(client, ready):
    page = client.get(f"/credentials/{ready.code}/", HTTP_ACCEPT=BROWSER_ACCEPT)
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    for fact in (
        settings.OPEN_BADGES_ISSUER_NAME,
        "Amara Fenwick-Oduya, MD",
        "Feedback that lands",
        "AMA PRA Category 1 Credit™",
        ready.issued_at.strftime("%B"),
        "Valid",
    ):
        assert fact in html
    assert f'href="/credentials/{ready.code}.jwt"' in html and "Download credential (.jwt)" in html
    assert f'href="/verify/{ready.code}/"' in html
    assert "Accept" in page["Vary"]


def test_software_still_gets_the_signed_credential_at_its_id_and_at_the_jwt_address(client, ready):
    for accept in ({}, {"HTTP_ACCEPT": "*/*"}, {"HTTP_ACCEPT": "application/jwt"}):
        at_id = client.get(f"/credentials/{ready.code}/", **accept)
        assert at_id["Content-Type"] == "application/jwt"
        verify_open_badge(client, at_id.content.decode())
    # The download address gives the JWT even to a browser, as a file to keep.
    download = client.get(f"/credentials/{ready.code}.jwt", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert download["Content-Type"] == "application/jwt"
    assert download["Content-Disposition"] == f'attachment; filename="docere-credential-{ready.code}.jwt"'
    payload = verify_open_badge(client, download.content.decode()).claims
    assert payload["jti"] == f"{settings.SITE_URL}/credentials/{ready.code}/"


def test_a_revoked_credential_page_says_revoked_and_offers_no_download(client, ready):
    certificate_revoke(certificate=ready, actor=UserFactory(is_staff=True), reason="Duplicate.")
    html = client.get(f"/credentials/{ready.code}/", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert "Revoked" in html and "Download credential" not in html
    assert client.get(f"/credentials/{ready.code}.jwt").status_code == 410


def test_unknown_credential_codes_are_not_found_for_people_and_software(client):
    assert client.get("/credentials/ZZZZZZZZZZ/", HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 404
    assert client.get("/credentials/ZZZZZZZZZZ.jwt").status_code == 404
