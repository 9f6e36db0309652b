"""Write an Open Badges signing key file, once: `python -m badges.keygen PATH`.

Production settings refuse to load until OPEN_BADGES_SIGNING_KEY_FILES names a key that
exists, so this runs without Django: the compose stack's one-shot `keys` service calls it
before anything else starts. An existing file is left as it is, so running it on every
`docker compose up` never replaces the key that signed the credentials already issued.
"""

import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

RSA_KEY_BITS = 2048


def write_new_key(path: Path) -> None:
    """A new RSA key at `path`, private (0600) from its first byte and renamed into place whole."""
    pem = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    temporary.replace(path)


def ensure_key_file(path: Path) -> bool:
    """Create the key unless the file is already there; True when a key was created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new_key(path)
    return True


def main(arguments: list[str]) -> int:
    if len(arguments) != 1:
        print("usage: python -m badges.keygen /var/lib/docere/keys/open-badges.pem", file=sys.stderr)
        return 2
    path = Path(arguments[0])
    try:
        created = ensure_key_file(path)
    except OSError as error:
        print(f"Cannot write the Open Badges signing key {path}: {error}", file=sys.stderr)
        return 1
    print(f"{'Created' if created else 'Kept the existing'} Open Badges signing key {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
