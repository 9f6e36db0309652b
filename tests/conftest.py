import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from lms.celery import app as celery_app
from lms.celery import ensure_broker_folders
from tests.factories import ProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace on the run's real cache (file or Redis),
    so rate-limit counters never leak between tests and nothing shared is flushed."""
    cache = dict(settings.CACHES["default"])
    cache["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": cache}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is deliberately slow; tests create many users and prove nothing with it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def private_media(settings, tmp_path):
    """Private files (certificate PDFs, exports) in a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def learner(db):
    return ProfileFactory().user


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker consuming from the run's real broker (filesystem under
    `make test`, Redis under CI), in a thread of this process so it sees the test database."""
    ensure_broker_folders()
    # Messages left by earlier runs or by tests without a worker would be replayed here.
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15) as worker:
        yield worker
