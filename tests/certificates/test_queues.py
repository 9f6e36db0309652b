"""Work is split over named queues so that a bulk job never stands in front of a learner:
checked on the run's real broker (the filesystem transport under `make test`, Redis in CI)."""

import re
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from certificates import batch_services, services
from certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchKind,
    CertificateBatchStatus,
    CertificateEvent,
    CertificateEventKind,
    CertificateStatus,
    TranscriptPdf,
    TranscriptPdfStatus,
)
from certificates.tasks import sweep_stuck_exports, sweep_stuck_transcripts
from lms.celery import app as celery_app
from lms.celery import ensure_broker_folders
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory, UserFactory

REPO = Path(settings.BASE_DIR)
LEARNER_QUEUES = ["certificates", "email", "lti", "maintenance", "default"]


def wait_until(condition, *, timeout=60, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_learners_certificate_is_rendered_while_a_bulk_issue_waits_on_its_own_queue(physician, private_media):
    course = build_course(slug="queues-apart")
    for _ in range(3):
        complete_course(ProfileFactory().user, course)
    learners_enrollment = complete_course(physician, build_course(slug="learners-own"))
    ensure_broker_folders()
    celery_app.control.purge()
    administrator = UserFactory(is_staff=True)
    try:
        # Only the learners' worker is running: the bulk issue stays queued for a bulk worker.
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15, queues=LEARNER_QUEUES
        ):
            batch = batch_services.certificates_issue_request(course=course, actor=administrator)
            certificate = services.credit_claim_create(
                enrollment=learners_enrollment, user=physician, credits=Decimal("1.75"), attested=True
            )
            wait_until(
                lambda: Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.READY,
                what="the learner's certificate",
            )
            batch.refresh_from_db()
            assert batch.status == CertificateBatchStatus.PENDING
            assert Certificate.objects.count() == 1

        # The bulk worker picks the issue up, renders its certificates and sends their e-mails,
        # all on the bulk queue: none of it waits in the learners' queues.
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15, queues=["bulk", "exports"]
        ):
            wait_until(
                lambda: (
                    CertificateEvent.objects.filter(
                        certificate__course=course, kind=CertificateEventKind.EMAILED
                    ).count()
                    == 3
                ),
                what="the bulk issue's certificates and their e-mails",
            )
        assert CertificateBatch.objects.get(pk=batch.pk).status == CertificateBatchStatus.DONE
    finally:
        celery_app.control.purge()
        # A worker started with -Q narrows the app's queues for every later worker in this process.
        celery_app.amqp.queues.select(settings.WORKER_QUEUES)


def consumed_queues(command: str) -> set[str]:
    """The queues a worker command line consumes: all of them when it names none."""
    named = re.search(r"(?:--queues[= ]|-Q ?)([\w,]+)", command)
    return set(named.group(1).split(",")) if named else set(settings.WORKER_QUEUES)


def test_every_queue_has_a_worker_under_make_run_and_in_the_production_stack():
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert routed <= set(settings.WORKER_QUEUES)

    procfile = [line.split(":", 1)[1] for line in (REPO / "Procfile").read_text().splitlines() if " worker " in line]
    assert set().union(*(consumed_queues(command) for command in procfile)) == set(settings.WORKER_QUEUES)
    # The bulk worker gives way to the learners' one on a shared machine.
    assert any("nice" in command and "bulk" in command for command in procfile)

    services_ = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    workers = [" ".join(service["command"]) for service in services_.values() if "worker" in service.get("command", [])]
    queue_sets = [consumed_queues(command) for command in workers]
    assert set().union(*queue_sets) == set(settings.WORKER_QUEUES)
    learner_set = next(queues for queues in queue_sets if "certificates" in queues)
    assert not learner_set & {"bulk", "exports"}, "bulk work never shares the learners' worker"
    # A render's e-mail follows it on the same worker: taking one message at a time, each
    # process waited for the next poll in between and a batch kept the CPUs a quarter idle.
    learners = [command for command in procfile + workers if "certificates" in consumed_queues(command)]
    assert all("--prefetch-multiplier=4" in command for command in learners)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_bulk_issue_and_a_transcript_whose_messages_were_lost_are_finished_after_the_sweep(
    physician, private_media, celery_worker
):
    course = build_course(slug="lost-messages")
    complete_course(physician, course)
    long_ago = timezone.now() - timedelta(hours=2)
    # Rows as a request leaves them, but the broker lost both messages.
    batch = CertificateBatch.objects.create(kind=CertificateBatchKind.ISSUE, course=course, status_changed_at=long_ago)
    transcript = TranscriptPdf.objects.create(user=physician, status_changed_at=long_ago)

    assert sweep_stuck_exports() == 1
    assert sweep_stuck_transcripts() == 1
    assert sweep_stuck_exports() == 0, "a row just queued again waits a full period"

    wait_until(
        lambda: CertificateBatch.objects.get(pk=batch.pk).status == CertificateBatchStatus.DONE,
        what="the swept bulk issue",
    )
    wait_until(
        lambda: TranscriptPdf.objects.get(pk=transcript.pk).status == TranscriptPdfStatus.READY,
        what="the swept transcript",
    )
    assert Certificate.objects.get().user == physician
