"""The periodic sweepers: certificates stuck before `ready` are queued again, the shared way
batch jobs and transcripts re-queue their stuck rows, and the temporary files of killed renders
and exports are removed. Beat runs them on the `maintenance` queue (certificates/tasks.py)."""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from certificates.exports import EXPORT_DIR
from certificates.models import Certificate, CertificateEventKind, CertificateStatus
from certificates.rendering import CERTIFICATE_DIR
from certificates.services import certificate_event_record, queue_render
from lms.files import stale_temporary_files_remove

logger = logging.getLogger(__name__)


def certificates_sweep(*, now=None) -> int:
    """Re-queue certificates stuck before `ready`: the queue lost them, or a worker died mid-render."""
    now = now or timezone.now()
    stuck = Certificate.objects.filter(
        Q(
            status=CertificateStatus.PENDING,
            status_changed_at__lt=now - timedelta(seconds=settings.CERTIFICATE_PENDING_STUCK_AFTER_SECONDS),
        )
        | Q(
            status=CertificateStatus.RENDERING,
            status_changed_at__lt=now - timedelta(seconds=settings.CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS),
        )
    ).values_list("pk", flat=True)
    count = 0
    for certificate_id in list(stuck):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
            # Touch the row so the next sweep waits a full period before queueing it again.
            certificate.status_changed_at = now
            certificate.save(update_fields=["status_changed_at"])
            certificate_event_record(certificate, CertificateEventKind.REQUEUED, detail=f"was {certificate.status}")
        queue_render(certificate_id, certificate.render_generation)
        count += 1
    return count


def stuck_rows_requeue(stuck: QuerySet, *, now, queue: Callable) -> int:
    """Queue each stuck row of a sweep again, touching it first so that the next sweep waits
    a full period before asking again. Returns how many were queued."""
    rows = list(stuck)
    for row in rows:
        stuck.model.objects.filter(pk=row.pk).update(status_changed_at=now)
        queue(row)
    return len(rows)


# A worker killed while writing a PDF or a ZIP (out of memory, a redeploy) leaves its
# temporary file behind; the retry writes a new one. A file still being written is younger
# than the longest task's hard time limit (30 minutes, exports), so an hour is safely stale.
TEMPORARY_FILE_STALE_AFTER = timedelta(hours=1)


def certificate_temporary_files_sweep(*, now=None) -> int:
    """Delete the temporary files that killed renders and exports left behind."""
    cutoff = (now or timezone.now()) - TEMPORARY_FILE_STALE_AFTER
    removed = stale_temporary_files_remove(folders=(CERTIFICATE_DIR, EXPORT_DIR), written_before=cutoff)
    if removed:
        logger.info("Removed %s stale temporary certificate file(s)", removed)
    return removed
