"""Worker tasks. Each loads its row, checks the status, works idempotently and records
the outcome on the row: a redelivered or duplicated message does no harm."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from certificates import (
    batch_services,
    exports,
    ready_email_services,
    rendering,
    services,
    sweep_services,
    transcript_services,
)
from certificates.models import CertificateBatchKind
from lms.task_options import EMAIL_TASK_OPTIONS

logger = logging.getLogger(__name__)

MAX_RENDER_RETRIES = 4  # five tries in all


def _backoff_seconds(retries: int) -> int:
    # Exponential backoff: 2, 4, 8, 16 s by default.
    return settings.CERTIFICATE_RETRY_BASE_SECONDS * 2**retries


@shared_task(
    bind=True,
    name="certificates.render_certificate",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RENDER_RETRIES,
    soft_time_limit=settings.CERTIFICATE_RENDER_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.CERTIFICATE_RENDER_TIME_LIMIT_SECONDS,
)
def render_certificate(self, certificate_id: int, generation: int | None = None) -> None:
    try:
        _render(self, certificate_id, generation)
    except DatabaseError as error:
        # The database cannot record its own outage on the row: retry the whole render with the
        # same backoff. A render that completed in the meantime makes the retry a no-op.
        if self.request.retries >= self.max_retries:
            logger.error(
                "Certificate %s: database unavailable after %s tries; the sweeper will queue it again",
                certificate_id,
                self.request.retries + 1,
            )
            raise
        raise self.retry(exc=error, countdown=_backoff_seconds(self.request.retries)) from error


def _render(task, certificate_id: int, generation: int | None) -> None:
    task_id = task.request.id
    certificate = services.certificate_mark_rendering(
        certificate_id=certificate_id, generation=generation, task_id=task_id
    )
    if certificate is None:
        return  # ready, revoked, gone, superseded by a regeneration, or in another worker's hands
    # The snapshot printed is the one read under the lease, for exactly this generation.
    generation = certificate.render_generation
    try:
        pdf = rendering.render_certificate_pdf(certificate)
        stored = rendering.store_pdf(code=certificate.code, generation=generation, pdf=pdf)
    except Exception as error:  # noqa: BLE001 — every failure is recorded on the row, then retried
        final = task.request.retries >= task.max_retries
        still_ours = services.certificate_mark_failed(
            certificate_id=certificate_id,
            generation=generation,
            task_id=task_id,
            error=f"{type(error).__name__}: {error}",
            final=final,
        )
        if final or not still_ours:
            if final:
                logger.error("Certificate %s failed after %s tries", certificate.code, certificate.render_tries)
            return
        raise task.retry(exc=error, countdown=_backoff_seconds(task.request.retries)) from error
    # A bulk issue asks for its e-mails' sends on the bulk queue, after its renders: the bulk
    # worker sends its hundreds. A learner's send meanwhile takes whatever is owed, so it may
    # carry some of them along, at most 100 a send through one connection.
    came_from = (task.request.delivery_info or {}).get("routing_key")
    email_queue = batch_services.BULK_QUEUE if came_from == batch_services.BULK_QUEUE else None
    services.certificate_mark_ready(
        certificate_id=certificate_id,
        generation=generation,
        task_id=task_id,
        path=stored.path,
        size=stored.size,
        sha256=stored.sha256,
        replaces=certificate.pdf_path,
        email_queue=email_queue,
    )


@shared_task(
    name="certificates.render_transcript",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CERTIFICATE_RENDER_SOFT_TIME_LIMIT_SECONDS,
    time_limit=settings.CERTIFICATE_RENDER_TIME_LIMIT_SECONDS,
)
def render_transcript(transcript_id: int, generation: int) -> None:
    try:
        transcript_services.transcript_pdf_render(transcript_id=transcript_id, generation=generation)
    except Exception as error:  # noqa: BLE001 — recorded on the row; the learner's page offers to try again
        logger.exception("Transcript PDF %s failed", transcript_id)
        transcript_services.transcript_pdf_fail(
            transcript_id=transcript_id, generation=generation, error=f"{type(error).__name__}: {error}"
        )


@shared_task(name="certificates.sweep_stuck_transcripts")
def sweep_stuck_transcripts() -> int:
    return transcript_services.transcript_pdfs_sweep()


# Every owed "ready" email at once, through one connection; asked for by each render that
# becomes ready, unless a send is already waiting. The sweeper covers a worker that died mid-send
# (lms/task_options.py).
@shared_task(name="certificates.send_ready_emails", **EMAIL_TASK_OPTIONS)
def send_ready_emails(queue: str = ready_email_services.LEARNERS_EMAIL_QUEUE) -> int:
    return ready_email_services.ready_emails_send(queue=queue)


# One certificate's email, sent again on request.
@shared_task(name="certificates.email_certificate_ready", **EMAIL_TASK_OPTIONS)
def email_certificate_ready(certificate_id: int) -> None:
    ready_email_services.certificate_email_send_one(certificate_id=certificate_id)


@shared_task(name="certificates.sweep_unsent_certificate_emails")
def sweep_unsent_certificate_emails() -> int:
    return ready_email_services.certificate_emails_sweep()


@shared_task(name="certificates.sweep_stuck_certificates")
def sweep_stuck_certificates() -> int:
    return sweep_services.certificates_sweep()


@shared_task(name="certificates.sweep_temporary_files")
def sweep_temporary_files() -> int:
    return sweep_services.certificate_temporary_files_sweep()


# Building a ZIP of thousands of PDFs outlasts the default five-minute limit; the hard limit
# stays under the Redis broker's one-hour visibility timeout, so a running export is never
# handed to a second worker while the first is still writing.
EXPORT_SOFT_TIME_LIMIT_SECONDS = 29 * 60
EXPORT_TIME_LIMIT_SECONDS = 30 * 60


@shared_task(
    name="certificates.build_certificate_export",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT_SECONDS,
    time_limit=EXPORT_TIME_LIMIT_SECONDS,
)
def build_certificate_export(batch_id: int) -> None:
    batch = batch_services.certificate_batch_start(batch_id=batch_id, kind=CertificateBatchKind.EXPORT)
    if batch is None:
        return  # already built, failed for good, or gone
    try:
        built = exports.export_build(
            batch=batch,
            on_progress=lambda count: batch_services.certificate_export_progress(
                batch_id=batch_id, processed_count=count
            ),
        )
    except Exception as error:  # noqa: BLE001 — recorded on the row; the progress page shows it
        logger.exception("Certificate export %s failed", batch_id)
        batch_services.certificate_batch_fail(batch_id=batch_id, error=f"{type(error).__name__}: {error}")
        return
    batch_services.certificate_export_finish(batch_id=batch_id, path=built.path, size=built.size, skipped=built.skipped)


# Each learner's claim commits on its own, so the limits only bound a course of many thousands.
@shared_task(
    name="certificates.issue_for_course",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=EXPORT_SOFT_TIME_LIMIT_SECONDS,
    time_limit=EXPORT_TIME_LIMIT_SECONDS,
)
def issue_for_course(batch_id: int) -> None:
    batch_services.certificates_issue_run(batch_id=batch_id)


# Covers bulk issues as well as exports; the name is the one beat's schedule has always used.
@shared_task(name="certificates.sweep_stuck_exports")
def sweep_stuck_exports() -> int:
    return batch_services.certificate_batches_sweep()
