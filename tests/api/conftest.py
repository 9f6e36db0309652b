from datetime import timedelta

import pytest
from django.utils import timezone

from api import services
from api.models import TokenScope
from tests.factories import UserFactory


def make_token(*, scope=TokenScope.READ, days=30, name="Registrar nightly import") -> str:
    admin = UserFactory(is_staff=True)
    return services.access_token_create(
        name=name, scope=scope, expires_at=timezone.now() + timedelta(days=days), created_by=admin
    ).secret


@pytest.fixture
def token(db) -> str:
    return make_token()


@pytest.fixture
def api_get(client, token):
    """GET an API path as the registrar's system would: bearer token, no cookies."""

    def get(path, *, secret=token, **params):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        return client.get(path, params, headers=headers)

    return get
