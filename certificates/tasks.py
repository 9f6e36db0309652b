"""Worker tasks. Each loads its row, checks the status, works idempotently and records
the outcome on the row: a redelivered or duplicated message does no harm."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from certificates import exports, rendering, services
from certificates.models import Certificate, CertificateStatus

logger = logging.getLogger(__name__)

MAX_RENDER_RETRIES = 4  # five tries in all


@shared_task(bind=True, name="certificates.render_certificate", acks_late=True, reject_on_worker_lost=True,
             max_retries=MAX_RENDER_RETRIES)
def render_certificate(self, certificate_id: int) -> None:
    certificate = services.certificate_mark_rendering(certificate_id=certificate_id)
    if certificate is None:
        return  # already ready, revoked or gone: nothing to do
    try:
        pdf = rendering.render_certificate_pdf(certificate)
        stored = rendering.store_pdf(code=certificate.code, pdf=pdf)
    except Exception as error:  # noqa: BLE001 — every failure is recorded on the row, then retried
        final = self.request.retries >= self.max_retries
        services.certificate_mark_failed(certificate_id=certificate_id, error=f"{type(error).__name__}: {error}",
                                         final=final)
        if final:
            logger.error("Certificate %s failed after %s tries", certificate.code, certificate.render_tries)
            return
        # Exponential backoff: 2, 4, 8, 16 s by default.
        raise self.retry(exc=error, countdown=settings.CERTIFICATE_RETRY_BASE_SECONDS * 2 ** self.request.retries) from error
    services.certificate_mark_ready(certificate_id=certificate_id, path=stored.path, size=stored.size,
                                    sha256=stored.sha256)


@shared_task(name="certificates.email_certificate_ready", acks_late=True)
def email_certificate_ready(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None or certificate.status != CertificateStatus.READY:
        return
    context = {"certificate": certificate, "site_url": settings.SITE_URL}
    send_mail(
        subject=f"[Docere] Your certificate for “{certificate.course_title}” is ready",
        message=render_to_string("certificates/email/ready.txt", context),
        from_email=None,
        recipient_list=[certificate.user.email],
    )
    services.certificate_email_sent(certificate=certificate)


@shared_task(name="certificates.sweep_stuck_certificates")
def sweep_stuck_certificates() -> int:
    return services.certificates_sweep()


@shared_task(name="certificates.sweep_temporary_files")
def sweep_temporary_files() -> int:
    return services.certificate_temporary_files_sweep()


# Building a ZIP of thousands of PDFs outlasts the default five-minute limit; the hard limit
# stays under the Redis broker's one-hour visibility timeout, so a running export is never
# handed to a second worker while the first is still writing.
EXPORT_SOFT_TIME_LIMIT_SECONDS = 29 * 60
EXPORT_TIME_LIMIT_SECONDS = 30 * 60


@shared_task(name="certificates.build_certificate_export", acks_late=True, reject_on_worker_lost=True,
             soft_time_limit=EXPORT_SOFT_TIME_LIMIT_SECONDS, time_limit=EXPORT_TIME_LIMIT_SECONDS)
def build_certificate_export(batch_id: int) -> None:
    batch = services.certificate_export_start(batch_id=batch_id)
    if batch is None:
        return  # already built, failed for good, or gone
    try:
        built = exports.export_build(
            batch=batch,
            on_progress=lambda count: services.certificate_export_progress(batch_id=batch_id, processed_count=count),
        )
    except Exception as error:  # noqa: BLE001 — recorded on the row; the progress page shows it
        logger.exception("Certificate export %s failed", batch_id)
        services.certificate_export_fail(batch_id=batch_id, error=f"{type(error).__name__}: {error}")
        return
    services.certificate_export_finish(batch_id=batch_id, path=built.path, size=built.size, skipped=built.skipped)


@shared_task(name="certificates.sweep_stuck_exports")
def sweep_stuck_exports() -> int:
    return services.certificate_exports_sweep()
