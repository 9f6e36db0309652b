"""Bearer-token authentication for the API: no cookies, so no session and no CSRF surface."""

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from api import services
from api.models import AccessToken, TokenScope


class ScopeError(AuthorizationError):
    def __init__(self, scope: str):
        super().__init__(message=f"This token may not read this: it needs the “{scope}” scope.")


class AccessTokenAuth(HttpBearer):
    """A valid, unexpired, unrevoked token whose scope covers the endpoint."""

    def __init__(self, *, scope: str = TokenScope.READ):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        row = AccessToken.objects.filter(token_sha256=services.token_digest(token)).first()
        if row is None or not row.is_usable():
            return None
        # Known before the scope check, so a refused call is still logged against its token.
        request.api_token = row
        if not row.allows(self.scope):
            raise ScopeError(self.scope)
        services.access_token_mark_used(token=row)
        return row


read_everything = AccessTokenAuth(scope=TokenScope.READ)
read_catalog = AccessTokenAuth(scope=TokenScope.READ_CATALOG)
