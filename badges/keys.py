"""Docere's Open Badges signing keys.

Keys come from the environment (OPEN_BADGES_SIGNING_KEY_FILES, first one signs) or, for
`make run` only, from files Docere generates under VAR_DIR (newest signs): production
refuses to start without key files (lms/env.py). Every key stays published at its `kid`
URL, so a credential signed before a rotation keeps verifying.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from jwcrypto.jwk import JWK

from badges import keygen


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    thumbprint: str

    @property
    def alg(self) -> str:
        # What 1EdTech's validator accepts; EdDSA is deliberately not offered.
        return "ES256" if isinstance(self.private_key, ec.EllipticCurvePrivateKey) else "RS256"

    @property
    def kid(self) -> str:
        return settings.SITE_URL + reverse("badges:key", args=[self.thumbprint])

    def public_jwk(self) -> dict:
        jwk = json.loads(JWK.from_pyca(self.private_key.public_key()).export_public())
        return {**jwk, "kid": self.kid, "alg": self.alg, "use": "sig"}


def _load(path: Path) -> SigningKey:
    try:
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise ImproperlyConfigured(f"Cannot read the Open Badges signing key {path}: {error}") from error
    if isinstance(private_key, ec.EllipticCurvePrivateKey) and not isinstance(private_key.curve, ec.SECP256R1):
        raise ImproperlyConfigured(f"{path}: an elliptic-curve signing key must be P-256 (ES256).")
    if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(f"{path}: use an RSA or P-256 key (RS256 or ES256).")
    return SigningKey(private_key=private_key, thumbprint=JWK.from_pyca(private_key.public_key()).thumbprint())


def generate_key_file(directory: Path) -> Path:
    """Write a new RSA key where the generated keys live; its name sorts after every older one."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (timezone.now().strftime("%Y%m%dT%H%M%S%fZ") + ".pem")
    keygen.write_new_key(path)
    return path


def uses_generated_keys() -> bool:
    return not settings.OPEN_BADGES_SIGNING_KEY_FILES


def _key_files() -> list[Path]:
    if not uses_generated_keys():
        return list(settings.OPEN_BADGES_SIGNING_KEY_FILES)
    directory = Path(settings.OPEN_BADGES_GENERATED_KEY_DIR)
    files = sorted(directory.glob("*.pem"), reverse=True)
    return files or [generate_key_file(directory)]


def published_keys() -> list[SigningKey]:
    return [_load(path) for path in _key_files()]


def signing_key() -> SigningKey:
    return published_keys()[0]


def key_for(thumbprint: str) -> SigningKey | None:
    return next((key for key in published_keys() if key.thumbprint == thumbprint), None)
