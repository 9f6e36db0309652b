import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from accounts.mfa import has_totp
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Cohorts here have dozens of learners; PBKDF2 took 0.6 s each and tests no login security.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_member(email: str, *groups: str, **fields):
    """Staff with TOTP enrolled, as every staff member must be before the reports open."""
    user = UserFactory(email=email, **{"is_staff": True, **fields})
    # get_or_create: a transactional test earlier in the run empties the groups the migrations made.
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in groups))
    if not has_totp(user):
        TOTP.activate(user, pyotp.random_base32())
    return user


@pytest.fixture
def administrator(db):
    """Staff in the "CME administrators" group: who the reports are for."""
    return staff_member("cme-office@example.org", "CME administrators")


@pytest.fixture
def admin_browser(client, administrator):
    client.force_login(administrator)
    return client
