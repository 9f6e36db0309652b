"""Writes for API access: creating and revoking tokens, recording calls."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from api.models import AccessToken, ApiCall, TokenScope

TOKEN_PREFIX = "dct_"  # noqa: S105 — not a secret: makes a leaked token recognisable to secret scanners


class TokenError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # shown once to the administrator, never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def access_token_create(*, name: str, scope: str, expires_at: datetime, created_by) -> NewToken:
    name = name.strip()
    if not name:
        raise TokenError("Name the token after who will use it.")
    if scope not in TokenScope.values:
        raise TokenError(f"Unknown scope “{scope}”.")
    now = timezone.now()
    if expires_at <= now:
        raise TokenError("Choose an expiry date in the future.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        name=name,
        scope=scope,
        expires_at=expires_at,
        created_by=created_by,
        created_at=now,
        prefix=secret[:12],
        token_sha256=token_digest(secret),
    )
    return NewToken(token=token, secret=secret)


def access_token_revoke(*, token: AccessToken, actor) -> AccessToken:
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def access_token_mark_used(*, token: AccessToken) -> None:
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def api_call_record(*, token: AccessToken | None, method: str, path: str, query: str, status_code: int) -> ApiCall:
    return ApiCall.objects.create(
        token=token, method=method[:10], path=path[:300], query=query[:500], status_code=status_code
    )
