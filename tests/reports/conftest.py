import pytest

from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Cohorts here have dozens of learners; PBKDF2 took 0.6 s each and tests no login security.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def staff_member(email: str, *groups: str, **fields):
    """Staff with TOTP enrolled, as every staff member must be before the reports open."""
    return StaffFactory(email=email, groups=groups, **fields)


@pytest.fixture
def administrator(db):
    """Staff in the "CME administrators" group: who the reports are for."""
    return staff_member("cme-office@example.org", "CME administrators")


@pytest.fixture
def admin_browser(client, administrator):
    client.force_login(administrator)
    return client
