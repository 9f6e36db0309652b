"""Claiming credit and the life of a certificate: every state change goes through here,
in one transaction, with its event recorded; the render task is queued on commit. The one
exception is a worker taking a render lease, a single statement kept on the row alone. The
"ready" email is kept in ready_email_services.py, the periodic sweepers in sweep_services.py."""

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.selectors import profile_for, profile_is_complete_for_credit
from certificates import rendering
from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateEventKind,
    CertificateStatus,
    CreditClaim,
    CreditType,
)
from courses.credit_wording import credit_amount
from courses.credits import CREDIT_STEP_RULE, is_on_credit_step
from courses.errors import CourseExpired
from courses.models import Enrollment
from courses.services import course_expiry_guard

logger = logging.getLogger(__name__)


class ClaimError(Exception):
    def __init__(self, message: str, *, status_code: int = 400):
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class CertificateStateError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_credits(raw: str) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError) as error:
        raise ClaimError("Enter the credits as a number, for example 1.25.") from error
    if not value.is_finite():
        raise ClaimError("Enter the credits as a number, for example 1.25.")
    return value


def certificate_event_record(certificate: Certificate, kind: str, *, actor=None, detail: str = "") -> None:
    CertificateEvent.objects.create(certificate=certificate, kind=kind, actor=actor, detail=detail)


def queue_render(certificate_id: int, generation: int, *, queue: str | None = None) -> None:
    """Hand the render of one generation to the worker: on the learners' `certificates` queue
    (the task's route) unless a bulk job names its own. If the broker is away, the claim still
    stands: the row stays pending and the sweeper queues it again once the broker is back."""
    from certificates.tasks import render_certificate

    try:
        render_certificate.apply_async(
            args=[certificate_id, generation],
            queue=queue,
            retry=True,
            retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
        )
    except Exception:  # noqa: BLE001 — the database row is the truth; the sweeper re-queues
        logger.warning("Could not queue certificate %s; the sweeper will retry", certificate_id, exc_info=True)


def credit_claim_create(
    *, enrollment: Enrollment, user, credits: Decimal, attested: bool, render_queue: str | None = None
) -> Certificate:
    """Claim credit for a completed course and create its pending certificate, atomically.
    Its render goes to `render_queue` when a bulk job names one, else to the learners' queue."""
    if enrollment.user_id != user.pk:
        raise ClaimError("No such enrollment.", status_code=404)
    try:
        course_expiry_guard(course=enrollment.course)
    except CourseExpired as expired:
        raise ClaimError(expired.message, status_code=expired.status_code) from expired
    if enrollment.completed_at is None:
        raise ClaimError(
            "Credit can be claimed once the course is complete (post-test passed and evaluation done).", status_code=403
        )
    if not attested:
        raise ClaimError("Please confirm the attestation before claiming.")
    readiness = profile_is_complete_for_credit(user)
    if not readiness.is_complete:
        raise ClaimError("Your CME profile is missing: " + ", ".join(readiness.missing) + ".", status_code=403)
    course = enrollment.course
    if credits <= 0:
        raise ClaimError("Claim a positive number of credits.")
    if not is_on_credit_step(credits):
        raise ClaimError(f"Credits are claimed {CREDIT_STEP_RULE}.")
    if credits > course.credits_max:
        raise ClaimError(f"This activity is designated for at most {credit_amount(course.credits_max)}.")
    profile = profile_for(user)
    credit_type = CreditType.AMA_PRA_CATEGORY_1 if profile.is_physician else CreditType.PARTICIPATION
    now = timezone.now()
    try:
        with transaction.atomic():
            claim = CreditClaim.objects.create(
                enrollment=enrollment,
                credit_type=credit_type,
                credits_claimed=credits,
                attested_at=now,
                claimed_at=now,
            )
            certificate = Certificate.objects.create(
                claim=claim,
                enrollment=enrollment,
                user=user,
                course=course,
                learner_name=profile.certificate_name,
                learner_credentials=profile.credentials,
                course_title=course.title,
                activity_format=course.get_activity_format_display(),
                provider_name=course.provider_name,
                accreditation_statement=course.accreditation_statement_text,
                designation_statement=course.designation_statement_text,
                credit_type=credit_type,
                credits=credits,
                completion_date=course.completion_date(enrollment.completed_at),
            )
            certificate_event_record(
                certificate, CertificateEventKind.CREATED, actor=user, detail=f"{claim.credit_text} claimed"
            )
            transaction.on_commit(
                lambda: queue_render(certificate.pk, certificate.render_generation, queue=render_queue)
            )
    except IntegrityError as error:
        # One claim per enrollment is a database constraint: a second claim, or two at once, lands here.
        raise ClaimError("Credit has already been claimed for this course.", status_code=409) from error
    return certificate


# A render message may take these; a failed one only when a stray message comes for it.
FREE_TO_RENDER = (CertificateStatus.PENDING, CertificateStatus.FAILED)


def certificate_mark_rendering(*, certificate_id: int, generation: int | None, task_id: str) -> Certificate | None:
    """Take the certificate's current generation for rendering and return it with the snapshot
    to print. None when there is nothing to do: already ready, revoked or gone; the generation
    was superseded by a regeneration (its own message renders it); or another worker holds a
    live lease on it.

    Taking the lease records no event: the row shows who holds it, since when, and how many
    tries it has had, and the outcome (rendered or failed) is recorded. Only a takeover, which
    means a worker died mid-render, is an event of its own."""
    now = timezone.now()
    # The usual case, a certificate nobody holds: one statement takes it and reads it.
    if certificate := _take_free(certificate_id=certificate_id, generation=generation, task_id=task_id, now=now):
        return certificate
    candidates = Certificate.objects.filter(pk=certificate_id)
    # A message queued before generations existed renders whatever is current.
    if generation is not None:
        candidates = candidates.filter(render_generation=generation)
    lease = {**_lease_values(task_id=task_id, now=now), "render_tries": F("render_tries") + 1}
    # Held already, or nothing to do. The same task coming back means its worker died
    # (acks_late redelivers it): it takes over at once. Any other message waits for the lease
    # to outlive the task's time limit.
    lease_expired = Q(rendering_started_at__isnull=True) | Q(
        rendering_started_at__lte=now - timedelta(seconds=settings.CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS)
    )
    with transaction.atomic():
        taken_over = candidates.filter(Q(rendering_task_id=task_id) | lease_expired, status=CertificateStatus.RENDERING)
        if not taken_over.update(**lease):
            return None
        certificate = Certificate.objects.get(pk=certificate_id)
        certificate_event_record(
            certificate, CertificateEventKind.REDELIVERED, detail=f"try {certificate.render_tries}"
        )
    return certificate


def _take_free(*, certificate_id: int, generation: int | None, task_id: str, now) -> Certificate | None:
    """Take a certificate nobody holds and return its row, snapshot included, in one statement.

    The ORM's update() returns only a count, and reading the row after it would cost every
    certificate another round trip to the database: about 1.5 ms, where all the bookkeeping
    around a render has some 9 ms to stay within 0.9× of WeasyPrint's own time on our 2-vCPU
    machines (docs/benchmarks.md). So this is UPDATE … RETURNING
    through the documented raw(), which builds the model from the row with each field's own
    conversions. Identifiers come from the model, every value is a parameter."""
    quote, field = connection.ops.quote_name, Certificate._meta.get_field
    status, tries, generation_column = (
        quote(field(name).column) for name in ("status", "render_tries", "render_generation")
    )
    lease = _lease_values(task_id=task_id, now=now)
    assignments = ", ".join(f"{quote(field(name).column)} = %s" for name in lease)
    params = [field(name).get_db_prep_value(value, connection) for name, value in lease.items()]
    conditions = f"{quote(field('id').column)} = %s AND {status} IN ({', '.join(['%s'] * len(FREE_TO_RENDER))})"
    params += [certificate_id, *FREE_TO_RENDER]
    # A message queued before generations existed renders whatever is current.
    if generation is not None:
        conditions += f" AND {generation_column} = %s"
        params.append(generation)
    table = quote(Certificate._meta.db_table)
    sql = f"UPDATE {table} SET {assignments}, {tries} = {tries} + 1 WHERE {conditions} RETURNING *"  # noqa: S608
    taken = list(Certificate.objects.raw(sql, params))
    return taken[0] if taken else None


def _lease_values(*, task_id: str, now) -> dict:
    """What taking a render lease writes, besides counting the try."""
    return {
        "status": CertificateStatus.RENDERING,
        "status_changed_at": now,
        "rendering_started_at": now,
        "rendering_task_id": task_id,
    }


def _while_leased(*, certificate_id: int, generation: int, task_id: str):
    """The row, only while this render holds its lease on the current generation: an update
    through it changes nothing once the render was superseded or taken over."""
    return Certificate.objects.filter(
        pk=certificate_id, status=CertificateStatus.RENDERING, render_generation=generation, rendering_task_id=task_id
    )


def certificate_mark_ready(
    *,
    certificate_id: int,
    generation: int,
    task_id: str,
    path: str,
    size: int,
    sha256: str,
    replaces: str = "",
    email_queue: str | None = None,
) -> bool:
    """Record the rendered file, only if this render still holds the lease on the current
    generation; `replaces` is the file the leased row named, removed once this one is
    recorded. A late render of a superseded generation changes nothing and its file goes.
    True when the file was recorded."""
    now = timezone.now()
    with transaction.atomic():
        recorded = _while_leased(certificate_id=certificate_id, generation=generation, task_id=task_id).update(
            status=CertificateStatus.READY,
            status_changed_at=now,
            issued_at=Coalesce("issued_at", Value(now)),
            pdf_path=path,
            pdf_size=size,
            pdf_sha256=sha256,
            rendering_started_at=None,
            rendering_task_id="",
            last_error="",
            # Each rendering that becomes ready owes the learner one "ready" email.
            ready_email_sent_at=None,
            ready_email_queued_at=None,
        )
        if not recorded:
            _discard_if_orphan(certificate_id, generation=generation, path=path)
            return False
        CertificateEvent.objects.create(
            certificate_id=certificate_id,
            kind=CertificateEventKind.RENDERED,
            detail=f"{size} bytes, sha256 {sha256[:12]}…",
        )
        from certificates.ready_email_services import ready_emails_send_request

        if replaces and replaces != path:
            transaction.on_commit(lambda: rendering.discard_pdf(replaces))
        transaction.on_commit(lambda: ready_emails_send_request(queue=email_queue))
    return True


def _discard_if_orphan(certificate_id: int, *, generation: int, path: str) -> None:
    # A superseded generation's file is nobody's; a file of the current generation may be
    # rewritten by the render that holds the lease now, so it stays.
    certificate = Certificate.objects.only("status", "render_generation", "pdf_path").get(pk=certificate_id)
    is_orphan = generation != certificate.render_generation or certificate.status == CertificateStatus.REVOKED
    if is_orphan and path != certificate.pdf_path:
        transaction.on_commit(lambda: rendering.discard_pdf(path))


def queue_task(task, *args, queue: str | None = None) -> None:
    """Queue a task on its route, or on `queue`. The row it works on is the truth, and a sweeper
    asks again for whatever the broker lost, so a broker outage is logged, never raised."""
    try:
        task.apply_async(
            args=list(args), queue=queue, retry=True, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY
        )
    except Exception:  # noqa: BLE001 — a lost message must not undo the write that queued it
        logger.warning("Could not queue %s for %s", task.name, args, exc_info=True)


def certificate_mark_failed(*, certificate_id: int, generation: int, task_id: str, error: str, final: bool) -> bool:
    """Record a failed try. False when this render no longer owns the certificate (superseded
    or taken over), so the caller must not retry it."""
    with transaction.atomic():
        recorded = _while_leased(certificate_id=certificate_id, generation=generation, task_id=task_id).update(
            last_error=error[:2000],
            # Between tries the row goes back to pending, so the sweeper can pick it up if the retry is lost.
            status=CertificateStatus.FAILED if final else CertificateStatus.PENDING,
            status_changed_at=timezone.now(),
            rendering_started_at=None,
            rendering_task_id="",
        )
        if not recorded:
            return False
        CertificateEvent.objects.create(
            certificate_id=certificate_id,
            kind=CertificateEventKind.FAILED,
            detail=("final: " if final else "will retry: ") + error[:500],
        )
    return True


def certificate_retry(*, certificate: Certificate, actor) -> Certificate:
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != CertificateStatus.FAILED:
            raise CertificateStateError(
                f"Only failed certificates can be retried ({certificate.code} is "
                f"{certificate.get_status_display().lower()})."
            )
        certificate.status = CertificateStatus.PENDING
        certificate.status_changed_at = timezone.now()
        certificate.save(update_fields=["status", "status_changed_at"])
        certificate_event_record(certificate, CertificateEventKind.RETRIED, actor=actor)
        transaction.on_commit(lambda: queue_render(certificate.pk, certificate.render_generation))
    return certificate


def certificate_regenerate(*, certificate: Certificate, actor) -> Certificate:
    """Re-render with the learner's current profile name (a name correction): same code, history kept."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise CertificateStateError(f"{certificate.code} is revoked; a revoked certificate is not regenerated.")
        profile = profile_for(certificate.user)
        old_name = certificate.learner_name
        if profile and profile.certificate_name:
            certificate.learner_name = profile.certificate_name
            certificate.learner_credentials = profile.credentials
        certificate.status = CertificateStatus.PENDING
        certificate.status_changed_at = timezone.now()
        # A render still running prints the old snapshot: the new generation makes it stale.
        certificate.render_generation += 1
        certificate.rendering_started_at, certificate.rendering_task_id = None, ""
        certificate.save()
        certificate_event_record(
            certificate,
            CertificateEventKind.REGENERATED,
            actor=actor,
            detail=f"name “{old_name}” → “{certificate.learner_name}”" if old_name != certificate.learner_name else "",
        )
        transaction.on_commit(lambda: queue_render(certificate.pk, certificate.render_generation))
    return certificate


def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    reason = reason.strip()
    if not reason:
        raise CertificateStateError("Give a reason for revoking: it is kept in the certificate's history.")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise CertificateStateError(f"{certificate.code} is already revoked.")
        certificate.status = CertificateStatus.REVOKED
        certificate.status_changed_at = certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = actor
        certificate.save()
        certificate_event_record(certificate, CertificateEventKind.REVOKED, actor=actor, detail=reason)
    return certificate
