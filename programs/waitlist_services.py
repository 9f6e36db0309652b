"""The waitlist: a seat that opens up is offered to the earliest waitlisted applicant, who
has `cohort.offer_days` to take it. The offered seat stays taken while the offer is open;
an offer declined or left to expire passes the seat on to the next in line."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from programs.models import Application, ApplicationStatus, Cohort
from programs.services import ApplicationError, decision_email_queue, participant_create


def seat_release(*, cohort_id: int, now) -> Application | None:
    """A seat is free again: offer it to the first on the waitlist, or give it back.

    Call inside the transaction that freed the seat. Returns the application offered it."""
    # The cohort's row lock puts everyone releasing a seat of this cohort in single file.
    cohort = Cohort.objects.select_for_update().get(pk=cohort_id)
    next_in_line = (
        Application.objects.select_for_update()
        .filter(cohort_id=cohort_id, status=ApplicationStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if next_in_line is None:
        Cohort.objects.filter(pk=cohort_id).update(seats_taken=F("seats_taken") - 1)
        return None
    # The seat passes straight on: seats_taken stays as it is.
    next_in_line.status = ApplicationStatus.OFFERED
    next_in_line.offered_at = now
    next_in_line.offer_expires_at = now + timedelta(days=cohort.offer_days)
    next_in_line.save(update_fields=["status", "offered_at", "offer_expires_at"])
    decision_email_queue(next_in_line)
    return next_in_line


def _locked_offer(application: Application, applicant) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != applicant.pk:
        raise Application.DoesNotExist
    if application.status != ApplicationStatus.OFFERED:
        raise ApplicationError("There is no open offer of a place on this application.")
    return application


def offer_accept(*, application: Application, applicant, now=None) -> Application:
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked_offer(application, applicant)
        if application.offer_expires_at <= now:
            _offer_close(application, now=now)
            expired = True
        else:
            application.status = ApplicationStatus.ACCEPTED
            application.decided_at = now
            application.save(update_fields=["status", "decided_at"])
            participant_create(application=application, now=now)
            decision_email_queue(application)  # their confirmation, as for any acceptance
            expired = False
    if expired:
        # Raised after the commit: the expiry, and the next applicant's offer, stand.
        raise ApplicationError("This offer expired; the place has gone to the next applicant.")
    return application


def offer_decline(*, application: Application, applicant, now=None) -> Application:
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked_offer(application, applicant)
        _offer_close(application, now=now)
    return application


def _offer_close(application: Application, *, now) -> None:
    """Declined or expired alike: the applicant does not take the place, and it moves on."""
    application.status = ApplicationStatus.DECLINED
    application.decided_at = now
    application.save(update_fields=["status", "decided_at"])
    seat_release(cohort_id=application.cohort_id, now=now)


def offers_expire(*, now=None, cohort_id: int | None = None, applicant_id: int | None = None) -> int:
    """Close the offers whose time is up and pass each seat on. Run by the sweeper, and by the
    pages that show offers, so nobody sees an offer that is already over. Returns how many."""
    now = now or timezone.now()
    due = Application.objects.filter(status=ApplicationStatus.OFFERED, offer_expires_at__lte=now)
    if cohort_id is not None:
        due = due.filter(cohort_id=cohort_id)
    if applicant_id is not None:
        due = due.filter(applicant_id=applicant_id)
    expired = 0
    for application_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            # Re-read under the lock: the applicant may have accepted a moment ago.
            application = due.select_for_update().filter(pk=application_id).first()
            if application is None:
                continue
            _offer_close(application, now=now)
            expired += 1
    return expired
