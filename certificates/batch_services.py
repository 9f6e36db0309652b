"""An administrator's jobs over many certificates, run by the worker on queues of their own
(`exports`, `bulk`): a ZIP of certificates, and issuing certificates for a whole course.
The batch row holds each job's progress and outcome; the progress page only reads it."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import profile_is_complete_for_credit
from certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchKind,
    CertificateBatchStatus,
    CertificateEventKind,
)
from certificates.services import ClaimError, credit_claim_create, queue_task
from certificates.sweep_services import stuck_rows_requeue
from courses.models import Course, Enrollment

# A batch still running after this long has outlived its worker (the tasks' hard limit is
# 30 minutes), so the sweeper queues it again: a rebuilt ZIP replaces the file atomically, and
# a bulk issue run again skips every learner it already certified.
BATCH_STUCK_AFTER = timedelta(hours=1)
# The queue the renders of a bulk issue go to: never in front of a learner's own claim.
BULK_QUEUE = "bulk"


def _queue_batch(batch: CertificateBatch) -> None:
    from certificates.tasks import build_certificate_export, issue_for_course

    queue_task(build_certificate_export if batch.is_export else issue_for_course, batch.pk)


def certificate_export_create(*, certificates: list[Certificate], actor) -> CertificateBatch:
    """Record a ZIP export of many ready certificates and hand the building to the worker."""
    with transaction.atomic():
        batch = CertificateBatch.objects.create(
            kind=CertificateBatchKind.EXPORT, created_by=actor, total_count=len(certificates)
        )
        batch.certificates.set(certificates)
        transaction.on_commit(lambda: _queue_batch(batch))
    return batch


def certificate_batch_start(*, batch_id: int, kind: str) -> CertificateBatch | None:
    """Take a batch job for running, under a row lock. None when there is nothing to do
    (finished, failed for good, or gone).

    A redelivered job (its worker died) starts again from the beginning: an export writes its
    ZIP to a temporary file renamed into place only when complete, and a bulk issue skips the
    learners it already certified.
    """
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().filter(pk=batch_id, kind=kind).first()
        if batch is None or batch.status in (CertificateBatchStatus.DONE, CertificateBatchStatus.FAILED):
            return None
        batch.status = CertificateBatchStatus.RUNNING
        batch.status_changed_at = timezone.now()
        if batch.is_export:
            batch.processed_count = 0
        batch.save(update_fields=["status", "status_changed_at", "processed_count"])
    return batch


def certificate_export_progress(*, batch_id: int, processed_count: int) -> None:
    CertificateBatch.objects.filter(pk=batch_id, status=CertificateBatchStatus.RUNNING).update(
        processed_count=processed_count
    )


def certificate_export_finish(*, batch_id: int, path: str, size: int, skipped: list[dict]) -> None:
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = CertificateBatchStatus.DONE
        batch.status_changed_at = batch.finished_at = timezone.now()
        batch.processed_count = batch.total_count
        batch.file_path, batch.file_size = path, size
        batch.skipped = skipped
        batch.last_error = ""
        batch.save()


def certificate_batch_fail(*, batch_id: int, error: str) -> None:
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = CertificateBatchStatus.FAILED
        batch.status_changed_at = batch.finished_at = timezone.now()
        batch.last_error = error[:2000]
        batch.save(update_fields=["status", "status_changed_at", "finished_at", "last_error"])


def certificate_batches_sweep(*, now=None) -> int:
    """Re-queue batch jobs the queue lost (still pending) or whose worker died (running too long)."""
    now = now or timezone.now()
    stuck = CertificateBatch.objects.filter(
        Q(
            status=CertificateBatchStatus.PENDING,
            status_changed_at__lt=now - timedelta(seconds=settings.CERTIFICATE_PENDING_STUCK_AFTER_SECONDS),
        )
        | Q(status=CertificateBatchStatus.RUNNING, status_changed_at__lt=now - BATCH_STUCK_AFTER),
    )
    return stuck_rows_requeue(stuck, now=now, queue=_queue_batch)


# --- Bulk issue -------------------------------------------------------------------------


def certificates_issue_request(*, course: Course, actor) -> CertificateBatch:
    """Record a bulk issue for a course and hand it to the worker's `bulk` queue; the admin
    page returns at once and follows the batch's progress."""
    with transaction.atomic():
        batch = CertificateBatch.objects.create(kind=CertificateBatchKind.ISSUE, course=course, created_by=actor)
        transaction.on_commit(lambda: _queue_batch(batch))
    return batch


def certificates_issue_run(*, batch_id: int) -> CertificateBatch | None:
    """Issue certificates for every completed enrollment of the batch's course that has none yet.

    Bulk issue is the administrator attesting on the learners' behalf, from a record the
    provider keeps (a live event's sign-in sheet, an attendance list): each claim is for
    the course's full designated credit, and the "created" event names the administrator,
    not the learner, as the person who attested. Learners whose CME profile is incomplete
    are skipped, with what is missing, because their certificate could not say who they are.

    Each learner's claim commits on its own, with the batch's count: a run that stops half-way
    and runs again (redelivered, swept) finds the claims already made, since an enrollment
    holds one claim at most, and never issues a second certificate.
    """
    batch = certificate_batch_start(batch_id=batch_id, kind=CertificateBatchKind.ISSUE)
    if batch is None:
        return None
    enrollments = (
        Enrollment.objects.filter(course=batch.course, completed_at__isnull=False, credit_claim__isnull=True)
        .select_related("user", "course")
        .order_by("user__email")
    )
    skipped: list[dict] = []
    for enrollment in enrollments.iterator():
        learner = enrollment.user
        readiness = profile_is_complete_for_credit(learner)
        if not readiness.is_complete:
            skipped.append({"who": learner.email, "why": "profile is missing " + ", ".join(readiness.missing)})
            continue
        try:
            _issue_one(batch=batch, enrollment=enrollment)
        except ClaimError as error:
            skipped.append({"who": learner.email, "why": error.message})
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().get(pk=batch_id)
        batch.total_count = batch.processed_count = batch.certificates.count()
        batch.skipped = skipped
        batch.status = CertificateBatchStatus.DONE
        batch.status_changed_at = batch.finished_at = timezone.now()
        batch.save()
    return batch


def _issue_one(*, batch: CertificateBatch, enrollment: Enrollment) -> None:
    with transaction.atomic():
        certificate = credit_claim_create(
            enrollment=enrollment,
            user=enrollment.user,
            credits=enrollment.course.credits_max,
            attested=True,
            render_queue=BULK_QUEUE,
        )
        created = certificate.events.get(kind=CertificateEventKind.CREATED)
        created.actor = batch.created_by
        created.detail += "; issued in bulk, attested by the administrator"
        created.save(update_fields=["actor", "detail"])
        batch.certificates.add(certificate)
        # The progress page counts against the total while the issue is still running.
        CertificateBatch.objects.filter(pk=batch.pk).update(total_count=batch.certificates.count())
