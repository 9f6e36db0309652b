"""Writes for Open Badges: only key rotation; credentials are derived from certificate rows."""

from pathlib import Path

from django.conf import settings

from badges import keys


class KeyRotationError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def signing_key_rotate() -> keys.SigningKey:
    """Make a new key the signing key. Older keys stay published, so credentials they signed
    keep verifying."""
    if not keys.uses_generated_keys():
        raise KeyRotationError("Signing keys come from OPEN_BADGES_SIGNING_KEY_FILES: put the new key's file "
                               "first in that list and keep the old ones after it.")
    keys.generate_key_file(Path(settings.OPEN_BADGES_GENERATED_KEY_DIR))
    return keys.signing_key()
