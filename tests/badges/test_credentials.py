"""Every ready certificate has an Open Badges 3.0 credential, signed as VC-JWT, that anyone
can verify with the key its header names and whose revocation shows in Docere's status list."""

import base64
import hashlib
import io
import json
from pathlib import Path

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command
from jsonschema import Draft201909Validator
from jwt.algorithms import RSAAlgorithm

from badges.credentials import STATUS_LIST_BITS, decoded_bitstring
from certificates.models import CertificateStatus
from certificates.services import certificate_revoke
from tests.api.records import bare_course, certificate, completion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(settings.BASE_DIR) / "badges/schema/ob_v3p0_achievementcredential_schema.json").read_text())


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


def verify_with_published_key(client, token: str) -> dict:
    header = jwt.get_unverified_header(token)
    kid_path = header["kid"].removeprefix(settings.SITE_URL)
    public_jwk = client.get(kid_path).json()
    key = RSAAlgorithm.from_jwk(json.dumps(public_jwk))
    return jwt.decode(token, key, algorithms=[public_jwk["alg"]], options={"require": ["iss", "jti", "sub", "nbf"]})


def test_learner_downloads_a_credential_that_verifies_with_the_key_its_kid_names(client, ready):
    payload = verify_with_published_key(client, download(client, ready))
    credential = payload["vc"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["credentialSubject"]["achievement"]["name"] == "Feedback that lands"
    assert "claimed 1 AMA PRA Category 1 Credit™" in credential["credentialSubject"]["achievement"]["criteria"]["narrative"]


def test_header_is_exactly_alg_kid_and_typ(client, ready):
    header = jwt.get_unverified_header(download(client, ready))
    assert set(header) == {"alg", "kid", "typ"}
    assert header["alg"] in {"RS256", "ES256"} and header["typ"] == "JWT"
    assert header["kid"].startswith(settings.SITE_URL + "/credentials/keys/")


def test_registered_claims_map_the_credential(client, ready):
    payload = verify_with_published_key(client, download(client, ready))
    credential = payload["vc"]
    assert payload["iss"] == credential["issuer"]["id"] == settings.SITE_URL + "/credentials/issuer"
    assert payload["jti"] == credential["id"] == f"{settings.SITE_URL}/credentials/{ready.code}/"
    assert payload["sub"] == credential["credentialSubject"]["id"]
    assert payload["nbf"] == int(ready.issued_at.timestamp())
    assert credential["validFrom"] == ready.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_tampered_credential_fails_verification(client, ready):
    header, payload, signature = download(client, ready).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["vc"]["credentialSubject"]["creditsEarned"] = 40.0
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_published_key(client, f"{header}.{forged}.{signature}")


def test_the_email_is_carried_only_as_a_salted_hash(client, ready):
    credential = verify_with_published_key(client, download(client, ready))["vc"]
    email, name = credential["credentialSubject"]["identifier"]
    assert ready.user.email not in json.dumps(credential)
    assert email["hashed"] is True and email["identityType"] == "emailAddress"
    assert email["identityHash"] == "sha256$" + hashlib.sha256((ready.user.email + email["salt"]).encode()).hexdigest()
    assert name == {"type": "IdentityObject", "identityHash": "Amara Fenwick-Oduya, MD", "identityType": "name",
                    "hashed": False}


def test_credential_validates_against_the_shipped_ob3_schema(client, ready):
    credential = verify_with_published_key(client, download(client, ready))["vc"]
    errors = sorted(error.message for error in Draft201909Validator(SCHEMA).iter_errors(credential))
    # The shipped copy predates OB 3.0's move to VC 2.0 (badges/schema/README.md): it still
    # requires VC 1.1's issuanceDate, which VC 2.0 replaced with validFrom. Nothing else may fail.
    assert errors == ["'issuanceDate' is a required property"]
    assert credential["credentialSchema"][0]["id"] == SCHEMA["$id"]


def test_revoking_the_certificate_sets_its_bit_in_the_published_status_list(client, ready):
    other = certificate(completion(bare_course()))
    credential = verify_with_published_key(client, download(client, ready))["vc"]
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"

    def bit(index: int) -> int:
        listing = client.get(entry["statusListCredential"].removeprefix(settings.SITE_URL))
        assert listing["Content-Type"] == "application/jwt"
        subject = verify_with_published_key(client, listing.content.decode())["vc"]["credentialSubject"]
        bits = decoded_bitstring(subject["encodedList"])
        assert len(bits) * 8 == STATUS_LIST_BITS
        return (bits[index // 8] >> (7 - index % 8)) & 1

    index = int(entry["statusListIndex"])
    assert bit(index) == 0
    certificate_revoke(certificate=ready, actor=UserFactory(is_staff=True), reason="Attendance not confirmed.")
    assert bit(index) == 1
    assert bit(other.pk % STATUS_LIST_BITS) == 0


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
    verify_with_published_key(client, old)
    verify_with_published_key(client, new)
    assert len(client.get("/credentials/keys/").json()["keys"]) == 2


def test_issuer_profile_is_public(client):
    profile = client.get("/credentials/issuer").json()
    assert profile["type"] == ["Profile"] and profile["name"] == settings.OPEN_BADGES_ISSUER_NAME


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_a_person_following_the_credential_link_sees_its_facts_and_a_download(client, ready):
    page = client.get(f"/credentials/{ready.code}/", HTTP_ACCEPT=BROWSER_ACCEPT)
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    for fact in (settings.OPEN_BADGES_ISSUER_NAME, "Amara Fenwick-Oduya, MD", "Feedback that lands",
                 "AMA PRA Category 1 Credit™", ready.issued_at.strftime("%B"), "Valid"):
        assert fact in html
    assert f'href="/credentials/{ready.code}.jwt"' in html and "Download credential (.jwt)" in html
    assert f'href="/verify/{ready.code}/"' in html
    assert "Accept" in page["Vary"]


def test_software_still_gets_the_signed_credential_at_its_id_and_at_the_jwt_address(client, ready):
    for accept in ({}, {"HTTP_ACCEPT": "*/*"}, {"HTTP_ACCEPT": "application/jwt"}):
        at_id = client.get(f"/credentials/{ready.code}/", **accept)
        assert at_id["Content-Type"] == "application/jwt"
        verify_with_published_key(client, at_id.content.decode())
    # The download address gives the JWT even to a browser, as a file to keep.
    download = client.get(f"/credentials/{ready.code}.jwt", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert download["Content-Type"] == "application/jwt"
    assert download["Content-Disposition"] == f'attachment; filename="docere-credential-{ready.code}.jwt"'
    payload = verify_with_published_key(client, download.content.decode())
    assert payload["jti"] == f"{settings.SITE_URL}/credentials/{ready.code}/"


def test_a_revoked_credential_page_says_revoked_and_offers_no_download(client, ready):
    certificate_revoke(certificate=ready, actor=UserFactory(is_staff=True), reason="Duplicate.")
    html = client.get(f"/credentials/{ready.code}/", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert "Revoked" in html and "Download credential" not in html
    assert client.get(f"/credentials/{ready.code}.jwt").status_code == 410


def test_unknown_credential_codes_are_not_found_for_people_and_software(client):
    assert client.get("/credentials/ZZZZZZZZZZ/", HTTP_ACCEPT=BROWSER_ACCEPT).status_code == 404
    assert client.get("/credentials/ZZZZZZZZZZ.jwt").status_code == 404
