"""An Open Badges 3.0 verifier written from the specifications, not from Docere's code.

It knows only what a relying party knows: a compact JWS, and the web. It dereferences the
header's `kid` over HTTP (the Django test client), checks the signature with jwcrypto
(Docere signs with PyJWT), checks the registered claims against the credential as OB 3.0
§8.2.6 ("Verify a Credential") demands, validates the credential against 1EdTech's official
JSON Schema, and reads the revocation bit from the Bitstring Status List by hand
(multibase base64url, GZIP, left-most bit first: Bitstring Status List v1.0 §2.2, §3.2).

Nothing here imports from `badges`: if Docere's signing or encoding drifted from the
specifications, these checks would not drift with it.
"""

import base64
import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from jsonschema import Draft201909Validator
from jwcrypto.jwk import JWK
from jwcrypto.jws import JWS, InvalidJWSOperation, InvalidJWSSignature

SCHEMA_FOLDER = Path(settings.BASE_DIR) / "badges" / "schema"
OFFICIAL_SCHEMA = json.loads((SCHEMA_FOLDER / "ob_v3p0_achievementcredential_schema.json").read_text())
OB_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
# OB 3.0 §8.2.3: the JOSE header may carry these and nothing else.
ALLOWED_HEADERS = {"alg", "kid", "jwk", "typ"}
REGISTERED_CLAIMS = ("iss", "jti", "nbf", "sub", "exp")
MINIMUM_STATUS_LIST_BYTES = 16 * 1024  # Bitstring Status List v1.0 §2.2: at least 16 KB


class NotVerified(Exception):
    pass


@dataclass(frozen=True)
class Verified:
    header: dict
    claims: dict  # the JWT payload as signed
    credential: dict  # the payload without the registered JWT claims


@dataclass(frozen=True)
class Status:
    index: int
    list_credential: Verified
    is_set: bool


def _b64url_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _fetch(client, url: str, **headers):
    if not url.startswith(settings.SITE_URL + "/"):
        raise NotVerified(f"{url} is not on the issuer's site.")
    return client.get(url.removeprefix(settings.SITE_URL), **headers)


def _numeric_date(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp())


def verify_jws(client, token: str) -> Verified:
    """OB 3.0 §8.2.6: dereference the kid, check the signature, then the claims."""
    header = _b64url_json(token.split(".")[0])
    if set(header) - ALLOWED_HEADERS or "alg" not in header:
        raise NotVerified(f"JOSE header has {sorted(header)}.")
    if header.get("typ", "JWT") != "JWT":
        raise NotVerified(f"typ is {header['typ']!r}, not JWT.")
    answer = _fetch(client, header["kid"])
    if answer.status_code != 200:
        raise NotVerified(f"kid {header['kid']} answered {answer.status_code}.")
    public = answer.json()
    if "d" in public:
        raise NotVerified("The published JWK contains a private key.")
    jws = JWS()
    jws.deserialize(token)
    try:
        jws.verify(JWK(**public), alg=header["alg"])
    except (InvalidJWSSignature, InvalidJWSOperation) as error:
        raise NotVerified(f"Signature does not verify: {error}") from error
    claims = json.loads(jws.payload)
    if "vc" in claims:
        raise NotVerified("The credential is wrapped in a VC 1.1 `vc` claim; OB 3.0 §8.2.4 makes it the payload.")
    credential = {name: value for name, value in claims.items() if name not in REGISTERED_CLAIMS}
    _check_claims(claims, credential)
    return Verified(header=header, claims=claims, credential=credential)


def _check_claims(claims: dict, credential: dict) -> None:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    expected = {
        "iss": issuer_id,
        "sub": credential["credentialSubject"].get("id"),
        "jti": credential.get("id"),
        "nbf": _numeric_date(credential["validFrom"]),
    }
    for claim, value in expected.items():
        if claims.get(claim) != value:
            raise NotVerified(f"Claim {claim} is {claims.get(claim)!r}; the credential says {value!r}.")
    if claims["nbf"] > datetime.now(UTC).timestamp():
        raise NotVerified("validFrom has not yet occurred.")
    if ("exp" in claims) != ("validUntil" in credential):
        raise NotVerified("exp and validUntil must come together.")
    if "exp" in claims:
        if claims["exp"] != _numeric_date(credential["validUntil"]):
            raise NotVerified("exp does not match validUntil.")
        if claims["exp"] <= datetime.now(UTC).timestamp():
            raise NotVerified("The credential has expired.")


def schema_errors(credential: dict) -> list[str]:
    validator = Draft201909Validator(OFFICIAL_SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(credential)
    )


def verify_open_badge(client, token: str) -> Verified:
    """Signature, claims, VC 2.0 shape and the official OB 3.0 schema, with no exceptions."""
    verified = verify_jws(client, token)
    credential = verified.credential
    if credential["@context"][0] != VC_V2_CONTEXT:
        raise NotVerified("VC Data Model 2.0 (Contexts): the first context must be the v2 context.")
    if "issuanceDate" in credential or "expirationDate" in credential:
        raise NotVerified("VC 1.1 dates in a VC 2.0 credential.")
    if errors := schema_errors(credential):
        raise NotVerified(f"Official schema: {errors}")
    schemas = {(entry["id"], entry["type"]) for entry in credential.get("credentialSchema", [])}
    if (OB_SCHEMA_URL, "1EdTechJsonSchemaValidator2019") not in schemas:
        raise NotVerified("credentialSchema does not name the OB 3.0 AchievementCredential schema.")
    return verified


def bit_at(encoded_list: str, index: int) -> int:
    """Bitstring Status List v1.0 §3.4 (expansion): multibase 'u' + base64url without padding,
    then GZIP; index 0 is the left-most bit of the first byte."""
    if not encoded_list.startswith("u") or "=" in encoded_list:
        raise NotVerified("encodedList is not multibase base64url without padding.")
    raw = encoded_list[1:]
    bitstring = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    if len(bitstring) < MINIMUM_STATUS_LIST_BYTES:
        raise NotVerified(f"The bitstring is {len(bitstring)} bytes; at least 16 KB are required.")
    return (bitstring[index // 8] >> (7 - index % 8)) & 1


def credential_status(client, credential: dict) -> Status:
    """Bitstring Status List v1.0 §3.2 (validate): fetch the list, verify it, read the bit."""
    entry = credential["credentialStatus"]
    if entry["type"] != "BitstringStatusListEntry":
        raise NotVerified(f"Status type {entry['type']}.")
    if not (isinstance(entry["statusListIndex"], str) and entry["statusListIndex"].isdigit()):
        raise NotVerified("statusListIndex must be a base-10 integer written as a string.")
    listing = _fetch(client, entry["statusListCredential"])
    if listing.status_code != 200:
        raise NotVerified(f"The status list answered {listing.status_code}.")
    status_list = verify_jws(client, listing.content.decode())
    subject = status_list.credential["credentialSubject"]
    if (
        "BitstringStatusListCredential" not in status_list.credential["type"]
        or subject["type"] != "BitstringStatusList"
    ):
        raise NotVerified("Not a BitstringStatusListCredential.")
    if status_list.credential["@context"][0] != VC_V2_CONTEXT:
        raise NotVerified("The status list is not a VC 2.0 credential.")
    if status_list.credential["id"] != entry["statusListCredential"]:
        raise NotVerified("The status list's id is not the URL the entry names.")
    if subject["statusPurpose"] != entry["statusPurpose"]:
        raise NotVerified("STATUS_VERIFICATION_ERROR: the purposes differ.")
    index = int(entry["statusListIndex"])
    return Status(index=index, list_credential=status_list, is_set=bit_at(subject["encodedList"], index) == 1)
