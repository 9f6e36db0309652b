"""Open Badges 3.0 credentials for certificates, signed as VC-JWT, and the Bitstring Status
List that says which of them are revoked.

A credential is derived from its certificate row each time it is asked for: the row is
the truth, so there is nothing to keep in step. Its status is a bit in a list that is
also computed from certificate rows when served, so revoking a certificate needs no hook.
"""

import base64
import gzip
import hashlib
import hmac
import uuid
from datetime import UTC, datetime

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from badges.keys import SigningKey, signing_key
from certificates.models import Certificate, CreditType

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
# Bitstring Status List v1.0: at least 16 KB per list, so one bit says nothing about who.
STATUS_LIST_BITS = 131_072


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile() -> dict:
    return {"id": _url("badges:issuer"), "type": ["Profile"], "name": settings.OPEN_BADGES_ISSUER_NAME,
            "url": settings.SITE_URL}


def status_position(certificate: Certificate) -> tuple[int, int]:
    """(list number, index in that list): the certificate's id, split into fixed-size lists."""
    return divmod(certificate.pk, STATUS_LIST_BITS)


def _credits_text(certificate: Certificate) -> str:
    if certificate.credit_type == CreditType.AMA_PRA_CATEGORY_1:
        return f"claimed {certificate.credit_text}"
    return f"received a certificate of participation for {certificate.credit_text}"


def credential_for(certificate: Certificate) -> dict:
    """The OpenBadgeCredential (VC data model 2.0 + OB 3.0) of a ready certificate."""
    course = certificate.course
    learner = certificate.user
    list_number, index = status_position(certificate)
    status_list = _url("badges:status_list", list_number)
    # A per-certificate salt: the email cannot be read back from the hash, yet the learner
    # can prove it is theirs. Derived, so the same certificate always yields the same hash.
    salt = hmac.new(settings.SECRET_KEY.encode(), f"badge-salt:{certificate.code}".encode(), "sha256").hexdigest()[:16]
    email_hash = hashlib.sha256((learner.email.strip().lower() + salt).encode()).hexdigest()
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": _url("badges:credential", certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.course_title} — {certificate.get_credit_type_display()}",
        "description": f"{certificate.provider_name} certifies that {certificate.learner_name} completed "
                       f"“{certificate.course_title}”.",
        "issuer": issuer_profile(),
        "validFrom": _timestamp(certificate.issued_at),
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, _url('home') + f'learners/{learner.pk}')}",
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityHash": f"sha256${email_hash}", "identityType": "emailAddress",
                 "hashed": True, "salt": salt},
                {"type": "IdentityObject", "identityHash": certificate.learner_name, "identityType": "name",
                 "hashed": False},
            ],
            "creditsEarned": float(certificate.credits),
            "achievement": {
                "id": settings.SITE_URL + course.get_absolute_url(),
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": certificate.course_title,
                "description": course.summary,
                "criteria": {"narrative": f"Completed “{certificate.course_title}” ({certificate.activity_format}), "
                                          f"passed its post-test and evaluated it, and {_credits_text(certificate)}."},
                "creditsAvailable": float(course.credits_max),
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": {
            "id": f"{status_list}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_list,
        },
    }


def _sign(payload: dict, key: SigningKey) -> str:
    # The header carries alg, kid and typ, and nothing else.
    return jwt.encode(payload, key.private_key, algorithm=key.alg, headers={"kid": key.kid, "typ": "JWT"})


def signed_credential(certificate: Certificate, *, key: SigningKey | None = None) -> str:
    """VC-JWT: the registered claims map the credential's issuer, id, subject and validFrom."""
    credential = credential_for(certificate)
    return _sign({
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": int(certificate.issued_at.timestamp()),
        "vc": credential,
    }, key or signing_key())


def encoded_bitstring(revoked_indexes: list[int]) -> str:
    """Multibase base64url (no padding) of the GZIP of the list; bit 0 is the first byte's highest bit."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decoded_bitstring(encoded: str) -> bytes:
    raw = encoded.removeprefix("u")
    return gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def signed_status_list(list_number: int, revoked_indexes: list[int], *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    url = _url("badges:status_list", list_number)
    credential = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": _timestamp(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encoded_bitstring(revoked_indexes)},
    }
    return _sign({"iss": credential["issuer"], "jti": url, "sub": credential["credentialSubject"]["id"],
                  "nbf": int(now.timestamp()), "vc": credential}, signing_key())
