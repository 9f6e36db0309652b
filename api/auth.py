"""Bearer-token authentication for the API: no cookies, so no session and no CSRF surface.

Refusals follow RFC 6750 §3: a 401 names the realm, and adds `error="invalid_token"` only
when a bearer token was sent and is not usable (§3.1: a request with no credentials gets
no error code); a 403 says `error="insufficient_scope"` and which scope would do.
"""

import logging

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from api import services
from api.models import AccessToken, TokenScope

logger = logging.getLogger(__name__)

REALM = "Docere API"


def bearer_challenge(**attributes: str) -> str:
    """A `WWW-Authenticate` value. The values we pass are fixed ASCII sentences without
    quotes or backslashes, as RFC 6750 §3 allows inside a quoted string."""
    pairs = [("realm", REALM), *attributes.items()]
    return "Bearer " + ", ".join(f'{name}="{value}"' for name, value in pairs)


class InvalidToken(AuthenticationError):
    """A bearer token was sent but cannot be used: unknown, expired or revoked."""

    def __init__(self, description: str):
        super().__init__(message=f"{description}. Send a valid, unexpired access token: `Authorization: Bearer dct_…`.")
        self.description = description


class ScopeError(AuthorizationError):
    def __init__(self, scope: str):
        super().__init__(message=f"This token may not read this: it needs the “{scope}” scope.")
        self.scope = scope


class AccessTokenAuth(HttpBearer):
    """A valid, unexpired, unrevoked token whose scope covers the endpoint."""

    def __init__(self, *, scope: str = TokenScope.READ):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken:
        row = AccessToken.objects.filter(token_sha256=services.token_digest(token)).first()
        if row is None:
            # Nothing of what was sent is logged: it may be some other system's secret.
            raise InvalidToken("The access token is not recognised")
        # Known before any refusal, so a refused call is still logged against its token.
        request.api_token = row
        if row.revoked_at is not None:
            logger.warning("API call refused: token %s… (%s) was revoked", row.prefix, row.name)
            raise InvalidToken("The access token was revoked")
        if not row.is_usable():
            logger.warning("API call refused: token %s… (%s) has expired", row.prefix, row.name)
            raise InvalidToken("The access token has expired")
        if not row.allows(self.scope):
            raise ScopeError(self.scope)
        services.access_token_mark_used(token=row)
        return row


read_everything = AccessTokenAuth(scope=TokenScope.READ)
read_catalog = AccessTokenAuth(scope=TokenScope.READ_CATALOG)
