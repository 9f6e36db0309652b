"""The checks on an LTI launch, step by step (the id_token validation of the Security Framework
§5.1.3, which LTI 1.3 Core points to), each refused in Docere's words.

pylti1p3 runs the checks; its messages ("Registration not found.", "JWT KID not found")
are written for developers and say nothing a learner can act on. So each step here turns
the library's refusal into a `LaunchRefused` with a message for the person at the
browser, and keeps the library's own reason for the administrator's log.
"""

import jwt
from lti_tool.models import LtiRegistration
from pylti1p3.contrib.django import DjangoMessageLaunch
from pylti1p3.exception import LtiException

from lti.services import LaunchRefused

AGAIN = "Open Docere again from your course in the LMS."
ASK_ADMIN = "If it keeps happening, ask a Docere administrator to check this LMS connection."
# What pylti1p3 raises, besides LtiException, when a token's parts are not what it expects.
LIBRARY_ERRORS = (LtiException, KeyError, TypeError, ValueError, AttributeError)


class Refusal:
    """The messages a person at the browser sees, one per thing that can be wrong."""

    STATE = f"Docere could not match this launch to the sign-in it started from this browser. {AGAIN}"
    UNREADABLE = f"The LMS sent a launch Docere cannot read. {AGAIN} {ASK_ADMIN}"
    NONCE = f"This launch does not belong to a sign-in Docere started, or was already used. {AGAIN}"
    UNKNOWN_PLATFORM = (
        "Docere does not know the LMS this launch comes from (or its connection is switched off). "
        "Ask a Docere administrator to register it."
    )
    WRONG_AUDIENCE = (
        "This launch was meant for another tool, not for Docere's connection to this LMS. "
        "Ask the LMS administrator to check which tool the link opens."
    )
    NOT_RS256 = f"This launch was not signed the way LTI requires, so Docere cannot trust it. {ASK_ADMIN}"
    UNKNOWN_KEY = f"This launch was signed with a key the LMS does not publish, so Docere cannot trust it. {ASK_ADMIN}"
    BAD_SIGNATURE = f"This launch's signature does not match the LMS's keys, so Docere cannot trust it. {ASK_ADMIN}"
    EXPIRED = f"This launch has expired before it reached Docere. {AGAIN}"
    TOKEN_INVALID = f"This launch's signed token is not valid (its times are missing or wrong). {AGAIN} {ASK_ADMIN}"
    KEYS_UNREACHABLE = (
        f"Docere could not fetch or read the LMS's public keys to check this launch. Try again in a moment. {ASK_ADMIN}"
    )
    MESSAGE = f"The LMS sent a kind of launch Docere cannot read (its LTI claims are missing or wrong). {ASK_ADMIN}"


def _refused(message: str, error: Exception, *, status_code: int = 400) -> LaunchRefused:
    return LaunchRefused(message, status_code=status_code, reason=f"{type(error).__name__}: {error}")


class CheckedMessageLaunch(DjangoMessageLaunch):
    """pylti1p3's message launch; every refusal a LaunchRefused in Docere's words."""

    def _step(self, step, message: str, *, status_code: int = 400):
        try:
            return step()
        except LIBRARY_ERRORS as error:
            raise _refused(message, error, status_code=status_code) from error

    def validate_state(self):
        return self._step(super().validate_state, Refusal.STATE)

    def validate_jwt_format(self):
        return self._step(super().validate_jwt_format, Refusal.UNREADABLE)

    def validate_nonce(self):
        return self._step(super().validate_nonce, Refusal.NONCE)

    def validate_registration(self):
        try:
            super().validate_registration()
        except LIBRARY_ERRORS as error:
            issuer_known = LtiRegistration.objects.active().filter(issuer=str(self._get_jwt_body().get("iss"))).exists()
            raise _refused(
                Refusal.WRONG_AUDIENCE if issuer_known else Refusal.UNKNOWN_PLATFORM, error, status_code=403
            ) from error
        # Security Framework §5.1.3: an authorized party, when named, must be Docere's client id.
        azp = self._get_jwt_body().get("azp")
        if azp is not None and azp != self.get_client_id():
            raise LaunchRefused(
                Refusal.WRONG_AUDIENCE,
                status_code=403,
                reason=f"azp {azp!r} is not the client id {self.get_client_id()!r}",
            )
        return self

    def validate_jwt_signature(self):
        # Security Framework §5.1.3: RS256 only. `none` (or an HMAC keyed
        # with the public key) must never reach a verifier.
        alg = self._jwt.get("header", {}).get("alg")
        if alg != "RS256":
            raise LaunchRefused(Refusal.NOT_RS256, status_code=403, reason=f"id_token alg is {alg!r}, not RS256")
        try:
            return super().validate_jwt_signature()
        except LtiException as error:
            message, status_code = self._signature_refusal(error.__cause__)
            raise _refused(message, error, status_code=status_code) from error

    @staticmethod
    def _signature_refusal(cause: BaseException | None) -> tuple[str, int]:
        if cause is None:
            return Refusal.UNKNOWN_KEY, 403  # no `kid`, or none the platform's JWKS lists
        if isinstance(cause, jwt.ExpiredSignatureError):
            return Refusal.EXPIRED, 400
        if isinstance(cause, jwt.DecodeError):  # the signature does not verify
            return Refusal.BAD_SIGNATURE, 403
        if isinstance(cause, jwt.InvalidTokenError):
            return Refusal.TOKEN_INVALID, 400
        # The platform's JWKS could not be fetched or read.
        return Refusal.KEYS_UNREACHABLE, 502

    def validate_message(self):
        return self._step(super().validate_message, Refusal.MESSAGE)
