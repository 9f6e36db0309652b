"""Personal access tokens for the read-only API, and the log of every call made with one.

A token's secret is shown once, when it is created, and only its SHA-256 is stored: a
leaked database does not leak working tokens. The secret has 256 bits from `secrets`, so
an unsalted hash is enough (salting defends low-entropy passwords, not random keys).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class TokenScope(models.TextChoices):
    # Read-only for now. The catalog scope lets an institution syndicate the course list
    # without being able to read any learner's record.
    READ = "read", "Read everything: courses, completions, certificates and transcripts"
    READ_CATALOG = "read:catalog", "Read the course catalog only"


class AccessToken(models.Model):
    name = models.CharField(max_length=100, help_text="Who uses it and for what, e.g. “Registrar nightly import”.")
    prefix = models.CharField(
        max_length=12,
        unique=True,
        editable=False,
        help_text="The start of the token, to recognise it in logs; not a secret.",
    )
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=20, choices=TokenScope.choices, default=TokenScope.READ)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API access token"
        constraints = [
            models.CheckConstraint(name="api_token_scope_valid", condition=Q(scope__in=TokenScope.values)),
            models.CheckConstraint(
                name="api_token_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def allows(self, scope: str) -> bool:
        return self.scope == TokenScope.READ or self.scope == scope


class ApiCall(models.Model):
    """One request to /api/v1/: which token (if any was valid), what it asked for, when."""

    token = models.ForeignKey(AccessToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    query = models.CharField(max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "API call"

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status_code}"
