"""Open Badges 3.0 credentials for certificates, signed as VC-JWT, and the Bitstring Status
List that says which of them are revoked.

A credential is derived from its certificate row each time it is asked for: the row is
the truth, so there is nothing to keep in step. Its status is a bit, at the certificate's
randomly allocated position (badges.models.StatusListEntry), in a list that is computed
from certificate rows when served, so revoking a certificate needs no hook.
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
from badges.models import STATUS_LIST_BITS, StatusListEntry
from certificates.models import Certificate, CreditType

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
# Verifiers may cache a status list this long (its `ttl` and its Cache-Control agree, as
# Bitstring Status List v1.0 §2.2 asks); a revocation reaches them within it.
STATUS_LIST_TTL_SECONDS = 300


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile() -> dict:
    return {
        "id": _url("badges:issuer"),
        "type": ["Profile"],
        "name": settings.OPEN_BADGES_ISSUER_NAME,
        "url": settings.SITE_URL,
    }


def achievement_image(course) -> dict:
    """OB 3.0 Image: the course's badge picture, drawn from its certificate look."""
    return {
        "id": _url("badges:achievement_image", course.pk),
        "type": "Image",
        "caption": f"Badge for “{course.title}”",
    }


def _credits_text(certificate: Certificate) -> str:
    if certificate.credit_type == CreditType.AMA_PRA_CATEGORY_1:
        return f"claimed {certificate.credit_text}"
    return f"received a certificate of participation for {certificate.credit_text}"


def credential_for(certificate: Certificate, status: StatusListEntry) -> dict:
    """The OpenBadgeCredential (VC data model 2.0 + OB 3.0) of a ready certificate, with its
    revocation status at `status`."""
    course = certificate.course
    learner = certificate.user
    status_list = _url("badges:status_list", status.list_number)
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
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${email_hash}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.learner_name,
                    "identityType": "name",
                    "hashed": False,
                },
            ],
            "creditsEarned": float(certificate.credits),
            "achievement": {
                "id": settings.SITE_URL + course.get_absolute_url(),
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": certificate.course_title,
                "description": course.summary,
                "image": achievement_image(course),
                "criteria": {
                    "narrative": f"Completed “{certificate.course_title}” ({certificate.activity_format}), "
                    f"passed its post-test and evaluated it, and {_credits_text(certificate)}."
                },
                "creditsAvailable": float(course.credits_max),
            },
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": {
            "id": f"{status_list}#{status.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status.index),
            "statusListCredential": status_list,
        },
    }


def _sign(credential: dict, key: SigningKey) -> str:
    """VC-JWT as OB 3.0 §8.2 defines it: the payload IS the credential, beside the registered
    claims that repeat its issuer, id, subject and validity (never a VC 1.1 `vc` claim). The
    header carries alg, kid and typ, and nothing else."""
    issuer = credential["issuer"]
    claims = {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": _numeric_date(credential["validFrom"]),
    }
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    return jwt.encode(
        {**credential, **claims}, key.private_key, algorithm=key.alg, headers={"kid": key.kid, "typ": "JWT"}
    )


def _numeric_date(timestamp: str) -> int:
    return int(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def signed_credential(certificate: Certificate, status: StatusListEntry, *, key: SigningKey | None = None) -> str:
    return _sign(credential_for(certificate, status), key or signing_key())


def encoded_bitstring(revoked_indexes: list[int]) -> str:
    """Multibase base64url (no padding) of the GZIP of the list; bit 0 is the first byte's highest bit."""
    bits = bytearray(STATUS_LIST_BITS // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def signed_status_list(list_number: int, revoked_indexes: list[int], *, now: datetime | None = None) -> str:
    """A BitstringStatusListCredential (Bitstring Status List v1.0 §2.2), secured the same way
    as the credentials that point at it (§3.6): a VC-JWT whose payload is the credential."""
    now = now or timezone.now()
    url = _url("badges:status_list", list_number)
    return _sign(
        {
            "@context": [VC_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": issuer_profile()["id"],
            "validFrom": _timestamp(now),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": encoded_bitstring(revoked_indexes),
                "ttl": STATUS_LIST_TTL_SECONDS * 1000,
            },
        },
        signing_key(),
    )
