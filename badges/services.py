"""Writes for Open Badges: key rotation, and each certificate's position in the revocation
lists. The credentials themselves are derived from certificate rows."""

import secrets
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from badges import credentials, keys
from badges.models import STATUS_LIST_BITS, StatusListEntry
from certificates.models import Certificate


class KeyRotationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def signing_key_rotate() -> keys.SigningKey:
    """Make a new key the signing key. Older keys stay published, so credentials they signed
    keep verifying."""
    if not keys.uses_generated_keys():
        raise KeyRotationError(
            "Signing keys come from OPEN_BADGES_SIGNING_KEY_FILES: put the new key's file "
            "first in that list and keep the old ones after it."
        )
    keys.generate_key_file(Path(settings.OPEN_BADGES_GENERATED_KEY_DIR))
    return keys.signing_key()


class StatusListFull(Exception):
    """No free position was found after many random draws: a bug or an exhausted list."""


# A list takes new entries until half its positions are used; then the next list opens. Below
# half, each random draw finds a free position more often than not, so a few retries suffice.
STATUS_LIST_FILL_LIMIT = STATUS_LIST_BITS // 2
STATUS_INDEX_DRAWS = 64


def status_entry_for(*, certificate: Certificate) -> StatusListEntry:
    """The certificate's position in the revocation lists, allocated at random on first use.

    Bitstring Status List v1.0 §2.1: indexes SHOULD be random, so a position tells nothing
    about when the certificate was issued. The unique (list, index) constraint is the guard;
    a draw that hits a used position is retried with another.
    """
    existing = StatusListEntry.objects.filter(certificate=certificate).first()
    if existing is not None:
        return existing
    latest = StatusListEntry.objects.aggregate(latest=Max("list_number"))["latest"] or 0
    in_latest = StatusListEntry.objects.filter(list_number=latest).count()
    list_number = latest + 1 if in_latest >= STATUS_LIST_FILL_LIMIT else latest
    for _ in range(STATUS_INDEX_DRAWS):
        try:
            with transaction.atomic():
                return StatusListEntry.objects.create(
                    certificate=certificate, list_number=list_number, index=secrets.randbelow(STATUS_LIST_BITS)
                )
        except IntegrityError:
            # Either the position is taken, or another request just allocated this
            # certificate's position: then that one is the answer.
            existing = StatusListEntry.objects.filter(certificate=certificate).first()
            if existing is not None:
                return existing
    raise StatusListFull(f"No free position in status list {list_number} after {STATUS_INDEX_DRAWS} draws.")


def credential_sign(*, certificate: Certificate) -> str:
    """The VC-JWT of an issued certificate, at its status position (allocated on first issue)."""
    return credentials.signed_credential(certificate, status_entry_for(certificate=certificate))
