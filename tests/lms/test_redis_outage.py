"""The fault drill of the operations guide: Redis, which is both the shared cache and the
broker in production, stops while learners are signed in. Pages, sign-in and the credit
claim keep working, readiness says Redis is away while liveness stays up, and the claimed
certificate is rendered once Redis is back.

The Redis here is a real `redis-server` of the test's own, stopped and started again on
the same port; the worker is a real `celery worker` process.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse

from certificates import sweep_services
from certificates.models import Certificate, CertificateStatus
from tests.certificates import test_reliability as reliability
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import PASSWORD, ProfileFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cache_is_private_redis(settings, private_redis):
    """The shared cache on the test's own Redis, as the production settings configure it."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "lms.cache.DegradingRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    return private_redis


def test_learners_keep_working_and_claiming_while_redis_is_down_and_the_certificate_renders_when_it_returns(
    private_redis, cache_is_private_redis, app_broker_is_private_redis, start_worker_process, settings
):
    course = build_course(slug="bias-in-feedback")
    physician = ProfileFactory(certificate_name="Amara Fenwick-Oduya, MD").user
    enrollment = complete_course(physician, course)
    colleague = ProfileFactory().user
    learner = Client()
    learner.force_login(physician)
    assert learner.get(reverse("courses:module", args=[course.slug, 1])).status_code == 200

    private_redis.stop()
    started = time.monotonic()

    # A signed-in learner keeps reading.
    for url in (
        reverse("home"),
        reverse("learning"),
        reverse("courses:detail", args=[course.slug]),
        reverse("courses:module", args=[course.slug, 1]),
        reverse("courses:module", args=[course.slug, 2]),
        reverse("certificates:list"),
    ):
        response = learner.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code} with Redis down"
    assert course.title in learner.get(reverse("learning")).content.decode(), "my learning lists my course"

    # Someone else signs in with their password.
    colleague_browser = Client()
    signed_in = colleague_browser.post(reverse("account_login"), {"login": colleague.email, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    assert colleague_browser.get(reverse("learning")).wsgi_request.user == colleague

    # The claim is recorded and the learner is told the certificate is on its way.
    claimed = learner.post(
        reverse("certificates:claim", args=[course.slug]), {"credits": "1.75", "attest": "on"}, follow=True
    )
    assert claimed.status_code == 200
    assert "Your certificate is queued" in claimed.content.decode()
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.status == CertificateStatus.PENDING

    # Liveness stays up; readiness names what is missing.
    assert learner.get("/healthz").status_code == 200
    ready = learner.get("/readyz")
    assert ready.status_code == 503
    body = ready.json()
    assert set(body["failed"]) == {"cache", "broker"}
    assert "Redis" in body["checks"]["cache"]
    assert body["checks"]["database"] == "ok"
    assert time.monotonic() - started < 20, "every page above must answer promptly while Redis is down"

    # Redis returns: readiness recovers, and beat's sweep hands the claim to a worker.
    private_redis.start()
    assert learner.get("/readyz").status_code == 200
    start_worker_process(REDIS_URL=private_redis.url)
    settings.CERTIFICATE_PENDING_STUCK_AFTER_SECONDS = 0
    assert sweep_services.certificates_sweep() == 1
    certificate = reliability.wait_for_status(certificate, {CertificateStatus.READY}, timeout=60)
    reliability.assert_stored_pdf_matches(certificate)
    assert learner.get(reverse("certificates:download", args=[certificate.code])).status_code == 200


def test_sign_in_attempts_are_still_limited_while_redis_is_down(private_redis, cache_is_private_redis):
    learner = ProfileFactory().user
    private_redis.stop()
    browser = Client()
    pages = [
        browser.post(
            reverse("account_login"), {"login": learner.email, "password": "not-the-password"}
        ).content.decode()
        for _ in range(6)
    ]
    # Five wrong passwords for one address lock it (ACCOUNT_RATE_LIMITS), counted in this
    # process while the shared counter is unreachable.
    assert not any("Too many failed login attempts" in page for page in pages[:5])
    assert "Too many failed login attempts" in pages[5]
    locked = browser.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert locked.status_code == 200 and "Too many failed login attempts" in locked.content.decode()
