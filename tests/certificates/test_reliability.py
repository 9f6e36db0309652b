"""What a learner's certificate survives: a worker killed mid-render, the broker away when
credit is claimed, a template that raises, and storage that refuses the file.

The workers here are real `celery worker` processes on the run's real broker (the
filesystem folders under `make test`, Redis under CI) and the test database, started
after the claim where the test needs to arrange something first. Two concurrent claims
for one enrollment are covered in test_claim.py.
"""

import hashlib
import json
import os
import signal
import time
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.urls import reverse

from certificates import services, sweep_services
from certificates.models import Certificate, CertificateStatus
from certificates.rendering import stored_pdf_bytes
from lms.celery import app as celery_app
from tests.factories import UserFactory
from tests.workers import WorkerProcess, live_processes_in_group

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WORKER_START_SECONDS = 120  # a cold start imports Django and WeasyPrint and scans the fonts
RECOVERY_BOUND_SECONDS = 120  # a certificate whose render was interrupted is ready again within this
# One unbreakable 390,000-character word: Pango shapes a word whole before it can tell that
# it overflows, so this snapshot takes seconds to render instead of a fraction of one.
SLOW_ACCREDITATION_STATEMENT = "Accreditation" * 30_000


def status_of(certificate: Certificate) -> str:
    return Certificate.objects.filter(pk=certificate.pk).values_list("status", flat=True).get()


def wait_for_status(certificate: Certificate, statuses: set[str], *, timeout: float, every: float = 0.1) -> Certificate:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if status_of(certificate) in statuses:
            certificate.refresh_from_db()
            return certificate
        time.sleep(every)
    certificate.refresh_from_db()
    raise AssertionError(f"certificate stayed {certificate.status} for {timeout} s: {certificate.last_error}")


def event_kinds(certificate: Certificate) -> list[str]:
    # The "emailed" notification comes from its own task, whenever the worker gets to it.
    return [event.kind for event in certificate.events.all() if event.kind != "emailed"]


def files_in_certificate_folder() -> list[str]:
    """Everything in MEDIA_ROOT/certificates, hidden temporary files included."""
    return sorted(path.name for path in (Path(settings.MEDIA_ROOT) / "certificates").iterdir())


def assert_stored_pdf_matches(certificate: Certificate) -> None:
    stored = stored_pdf_bytes(certificate)
    assert stored.startswith(b"%PDF-")
    assert certificate.pdf_size == len(stored)
    assert certificate.pdf_sha256 == hashlib.sha256(stored).hexdigest()


def forget_render_messages_held_by_a_killed_worker(certificate: Certificate) -> None:
    """Redis keeps a message handed to a worker but never acknowledged in kombu's `unacked`
    hash, and hands it out again once the visibility timeout (an hour) has passed: to some
    later run, where this id is another test's certificate. The sweeper has already done
    that job here, so drop it. (The filesystem transport deletes a message as it hands it out.)"""
    if not celery_app.conf.broker_url.startswith("redis"):
        return
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    for tag, stored in client.hgetall("unacked").items():
        message = json.loads(stored)[0]
        headers = message.get("headers") or {}
        first_argument = (headers.get("argsrepr") or "").strip("[]()").split(",")[0].strip()
        if headers.get("task") == "certificates.render_certificate" and first_argument == str(certificate.pk):
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def claim(*, enrollment, user) -> Certificate:
    return services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal("1.75"), attested=True)


# --- a) A worker killed mid-render ---------------------------------------------------------


def pool_children_of(worker: WorkerProcess) -> list[int]:
    children = []
    for pid in live_processes_in_group(worker.group_id):
        try:
            parent = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == worker.process.pid:
            children.append(pid)
    return children


def test_worker_killed_mid_render_is_swept_and_ready_within_two_minutes_with_one_ready_certificate(
    physician, completed_enrollment, start_worker_process
):
    course = completed_enrollment.course
    course.accreditation_statement = SLOW_ACCREDITATION_STATEMENT
    course.save(update_fields=["accreditation_statement"])
    certificate = claim(enrollment=completed_enrollment, user=physician)  # the render is queued on commit

    doomed = start_worker_process()
    wait_for_status(
        certificate, {CertificateStatus.RENDERING, CertificateStatus.READY}, timeout=WORKER_START_SECONDS, every=0.01
    )
    doomed.kill()
    killed_at = time.monotonic()
    assert doomed.process.returncode == -signal.SIGKILL
    assert live_processes_in_group(doomed.group_id) == [], "the killed worker's pool children are gone too"
    assert status_of(certificate) == CertificateStatus.RENDERING, "the kill landed after the render had finished"
    forget_render_messages_held_by_a_killed_worker(certificate)

    # The message died with the worker; only the sweeper can bring the certificate back. A new
    # worker with beat, as deployed: the default thresholds and schedule, nothing shortened.
    start_worker_process(with_beat=True)

    certificate = wait_for_status(certificate, {CertificateStatus.READY}, timeout=RECOVERY_BOUND_SECONDS)
    recovery_seconds = time.monotonic() - killed_at
    print(f"worker killed mid-render: ready again {recovery_seconds:.1f} s after the kill")
    assert recovery_seconds < RECOVERY_BOUND_SECONDS
    assert Certificate.objects.count() == 1
    assert files_in_certificate_folder() == [f"{certificate.code}-1.pdf"], "one file, no temporary file left over"
    assert_stored_pdf_matches(certificate)
    assert event_kinds(certificate) == ["created", "requeued", "redelivered", "rendered"]
    assert certificate.events.get(kind="requeued").detail == "was rendering"
    assert certificate.render_tries == 2


def test_pool_child_killed_mid_render_is_rendered_again_at_once_and_only_once(
    physician, completed_enrollment, start_worker_process
):
    course = completed_enrollment.course
    course.accreditation_statement = SLOW_ACCREDITATION_STATEMENT
    course.save(update_fields=["accreditation_statement"])
    certificate = claim(enrollment=completed_enrollment, user=physician)

    worker = start_worker_process()
    wait_for_status(
        certificate, {CertificateStatus.RENDERING, CertificateStatus.READY}, timeout=WORKER_START_SECONDS, every=0.01
    )
    [child] = pool_children_of(worker)
    os.kill(child, signal.SIGKILL)  # the OOM killer picks the pool child that is rendering
    killed_at = time.monotonic()
    assert status_of(certificate) == CertificateStatus.RENDERING, "the kill landed after the render had finished"

    certificate = wait_for_status(certificate, {CertificateStatus.READY}, timeout=RECOVERY_BOUND_SECONDS)
    recovery_seconds = time.monotonic() - killed_at
    print(f"pool child killed mid-render: ready again {recovery_seconds:.1f} s after the kill")
    assert recovery_seconds < RECOVERY_BOUND_SECONDS
    assert files_in_certificate_folder() == [f"{certificate.code}-1.pdf"], "one file, no temporary file left over"
    assert_stored_pdf_matches(certificate)
    # The worker hands the message back (acks_late, reject_on_worker_lost); the same task takes over its lease.
    assert event_kinds(certificate) == ["created", "redelivered", "rendered"]
    assert certificate.render_tries == 2
    assert "could not warm up" not in worker.log(), "each pool child, the replacement too, warmed its renderer"


@pytest.fixture
def database_drops_the_first_ready_write():
    """The database connection fails on the first write that would mark a certificate ready:
    what a failover or a restarted PostgreSQL does to a worker mid-task. Installed on every
    connection opened from here on, the worker's included. Yields when it happened."""
    refused_at: list[float] = []

    def drop_once(execute, sql, params, many, context):
        writes_ready = sql.startswith('UPDATE "certificates_certificate"') and CertificateStatus.READY in (params or ())
        if writes_ready and not refused_at:
            refused_at.append(time.monotonic())
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    def install(sender, connection, **kwargs):
        connection.execute_wrappers.append(drop_once)

    connection_created.connect(install)
    yield refused_at
    connection_created.disconnect(install)


def test_database_error_while_marking_ready_is_retried_and_ready_within_two_minutes(
    physician, completed_enrollment, private_media, database_drops_the_first_ready_write, celery_worker
):
    certificate = claim(enrollment=completed_enrollment, user=physician)

    certificate = wait_for_status(certificate, {CertificateStatus.READY}, timeout=RECOVERY_BOUND_SECONDS)
    [refused_at] = database_drops_the_first_ready_write
    recovery_seconds = time.monotonic() - refused_at
    print(f"database error while marking ready: ready {recovery_seconds:.1f} s after the error")
    assert recovery_seconds < RECOVERY_BOUND_SECONDS
    assert files_in_certificate_folder() == [f"{certificate.code}-1.pdf"]
    assert_stored_pdf_matches(certificate)
    assert event_kinds(certificate) == ["created", "redelivered", "rendered"], "rendered once"


# --- b) The broker away when credit is claimed -----------------------------------------------


def test_claim_succeeds_quickly_while_the_broker_is_down_and_is_rendered_once_the_sweeper_runs(
    client, physician, completed_enrollment, private_redis, app_broker_is_private_redis, start_worker_process, settings
):
    private_redis.stop()
    client.force_login(physician)
    started = time.monotonic()
    response = client.post(
        reverse("certificates:claim", args=[completed_enrollment.course.slug]),
        {"credits": "1.75", "attest": "on"},
        follow=True,
    )
    claim_seconds = time.monotonic() - started

    assert response.status_code == 200
    assert claim_seconds < 5, f"the claim took {claim_seconds:.1f} s with the broker down"
    certificate = Certificate.objects.get()
    assert certificate.status == CertificateStatus.PENDING
    page = response.content.decode()
    assert "Your certificate is queued" in page
    assert "Queued… this page updates by itself." in page

    private_redis.start()
    broker_back = time.monotonic()
    start_worker_process(REDIS_URL=private_redis.url)
    # Beat's sweep, run now rather than at the top of the next minute.
    settings.CERTIFICATE_PENDING_STUCK_AFTER_SECONDS = 0
    assert sweep_services.certificates_sweep() == 1

    sweep_period_seconds = settings.CELERY_BEAT_SCHEDULE["sweep-stuck-certificates"]["schedule"]
    certificate = wait_for_status(certificate, {CertificateStatus.READY}, timeout=sweep_period_seconds)
    assert time.monotonic() - broker_back < sweep_period_seconds
    assert_stored_pdf_matches(certificate)
    assert event_kinds(certificate) == ["created", "requeued", "rendered"]


# --- d) A template that raises ---------------------------------------------------------------


@pytest.fixture
def broken_certificate_template(settings, tmp_path) -> Path:
    """A certificate template, found before the real one, that uses a tag nobody registered."""
    folder = tmp_path / "templates"
    template = folder / "certificates" / "pdf" / "certificate.html"
    template.parent.mkdir(parents=True)
    template.write_text("<h1>{{ certificate.learner_name }}</h1>{% certificate_seal certificate %}")
    templates = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    settings.TEMPLATES = templates
    return template


def staff_with_second_factor():
    user = UserFactory(email="cme-office@example.org", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "unused-in-this-test"})
    return user


def test_template_that_raises_fails_after_five_tries_then_renders_when_fixed_and_retried(
    client, physician, completed_enrollment, private_media, broken_certificate_template, celery_worker, settings
):
    settings.CERTIFICATE_RETRY_BASE_SECONDS = 0
    certificate = claim(enrollment=completed_enrollment, user=physician)

    certificate = wait_for_status(certificate, {CertificateStatus.FAILED, CertificateStatus.READY}, timeout=60)
    assert certificate.status == CertificateStatus.FAILED
    assert certificate.render_tries == 5
    assert certificate.last_error.startswith("TemplateSyntaxError: Invalid block tag")
    assert "certificate_seal" in certificate.last_error
    assert event_kinds(certificate) == ["created"] + ["failed"] * 5
    assert certificate.events.last().detail.startswith("final: TemplateSyntaxError")
    assert certificate.pdf_path == "" and not (private_media / "certificates").exists()

    client.force_login(physician)
    page = client.get(reverse("certificates:list")).content.decode()
    assert "Could not be prepared." in page and "you do not need to claim again" in page
    assert "TemplateSyntaxError" not in page, "the learner is not shown the internal error"

    staff = staff_with_second_factor()
    client.force_login(staff)
    changelist = client.get(reverse("admin:certificates_certificate_changelist"), {"status__exact": "failed"})
    assert changelist.status_code == 200
    changelist = changelist.content.decode()
    assert certificate.display_code in changelist
    assert "Failed" in changelist and "TemplateSyntaxError: Invalid block tag" in changelist

    broken_certificate_template.unlink()  # the fix is deployed
    services.certificate_retry(certificate=certificate, actor=staff)
    certificate = wait_for_status(certificate, {CertificateStatus.READY}, timeout=60)
    assert certificate.last_error == ""
    assert_stored_pdf_matches(certificate)
    assert event_kinds(certificate)[-2:] == ["retried", "rendered"]
    assert certificate.events.get(kind="retried").actor == staff


# --- e) Storage that refuses the file ----------------------------------------------------------


def block_certificate_folder(media: Path, code: str) -> Path:
    """A file where the certificates folder should be: the folder cannot be created."""
    media.mkdir(parents=True, exist_ok=True)
    blocker = media / "certificates"
    blocker.write_bytes(b"")
    return blocker


def block_pdf_path(media: Path, code: str) -> Path:
    """A folder where the PDF should go: the temporary file is written, the final rename fails."""
    blocker = media / "certificates" / f"{code}-1.pdf"
    blocker.mkdir(parents=True)
    return blocker


@pytest.mark.parametrize(
    "block", [block_certificate_folder, block_pdf_path], ids=["folder-is-a-file", "pdf-is-a-folder"]
)
def test_storage_that_refuses_the_file_never_leaves_a_ready_certificate_without_it(
    block, physician, completed_enrollment, private_media, start_worker_process
):
    certificate = claim(enrollment=completed_enrollment, user=physician)
    blocker = block(private_media, certificate.code)
    start_worker_process(CERTIFICATE_RETRY_BASE_SECONDS="0")

    certificate = wait_for_status(
        certificate, {CertificateStatus.FAILED, CertificateStatus.READY}, timeout=WORKER_START_SECONDS
    )
    assert certificate.status == CertificateStatus.FAILED
    assert (certificate.pdf_path, certificate.pdf_size, certificate.pdf_sha256, certificate.issued_at) == (
        "",
        None,
        "",
        None,
    )
    assert "rendered" not in event_kinds(certificate)
    assert certificate.last_error.startswith(("FileExistsError", "IsADirectoryError")), certificate.last_error
    assert list(private_media.rglob("*.tmp")) == [], "no temporary file left behind"

    if blocker.is_dir():
        blocker.rmdir()
    else:
        blocker.unlink()
    services.certificate_retry(certificate=certificate, actor=UserFactory(is_staff=True))
    certificate = wait_for_status(certificate, {CertificateStatus.READY}, timeout=60)
    assert files_in_certificate_folder() == [f"{certificate.code}-1.pdf"]
    assert_stored_pdf_matches(certificate)
