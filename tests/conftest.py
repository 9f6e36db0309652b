import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import ProfileFactory, UserFactory

# Worker processes and a private Redis, for every folder's tests that need them.
from tests.workers import (  # noqa: F401 — fixtures, found by pytest here
    app_broker_is_private_redis,
    empty_broker,
    private_redis,
    start_worker_process,
    worker_in_a_thread,
)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace on the run's real cache (file or Redis),
    so rate-limit counters never leak between tests and nothing shared is flushed."""
    namespace = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": namespace},
        # Each process's own copies: a store of its own too, or a test could read another's entries.
        "local": {**settings.CACHES["local"], "LOCATION": namespace},
    }


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
    with worker_in_a_thread() as worker:
        yield worker


@pytest.fixture
def email_worker(transactional_db):
    """A real Celery worker, like `celery_worker`, that takes messages from the `email` queue
    only: an e-mail queued anywhere else never arrives. Sent e-mails land in `mail.outbox`."""
    with worker_in_a_thread(queues=["email"]) as worker:
        yield worker


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser), shared by every browser test."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    # Playwright's sync API keeps an event loop in this thread from here on; the tests and
    # their fixtures still talk to the database synchronously, which Django allows only when
    # told so explicitly. (Subprocesses started by other tests drop the switch.)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
