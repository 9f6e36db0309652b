"""Applications to a cohort and the director's decisions on them.

Capacity is the database's to enforce: every seat taken is an F() update of
`Cohort.seats_taken` under the `cohort_seats_within_capacity` check, inside the same
transaction as the status change, so two directors accepting at once cannot both take the
last seat. A seat is held by an ACCEPTED application and by an open OFFER; when one opens
up, the earliest waitlisted applicant is offered it (programs/waitlist_services.py)."""

from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from certificates.services import queue_task
from lms.uploads import pdf_upload_problem
from programs.models import (
    SUPPORT_LETTER_MAX_BYTES,
    Application,
    ApplicationStatus,
    Cohort,
    Institution,
    Participant,
    ParticipantStatus,
)

DECIDABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)
WITHDRAWABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)


class ApplicationError(Exception):
    """A request about an application that cannot be done; the message says why, for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CohortFullError(ApplicationError):
    pass


def support_letter_check(upload: UploadedFile) -> None:
    """A letter of support is a PDF of at most SUPPORT_LETTER_MAX_BYTES, judged by its bytes."""
    problem = pdf_upload_problem(
        upload,
        max_bytes=SUPPORT_LETTER_MAX_BYTES,
        too_large="The letter of support is larger than {limit_mb} MB; please send a smaller PDF.",
        not_pdf="The letter of support must be a PDF file.",
    )
    if problem:
        raise ApplicationError(problem)


def seat_take(*, cohort_id: int) -> None:
    """Take one seat, or raise CohortFullError when the database says the cohort is full."""
    try:
        with transaction.atomic():
            Cohort.objects.filter(pk=cohort_id).update(seats_taken=F("seats_taken") + 1)
    except IntegrityError as error:
        cohort = Cohort.objects.get(pk=cohort_id)
        raise CohortFullError(
            f"The cohort is full ({cohort.seats_taken} of {cohort.capacity} places taken); "
            "waitlist the applicant instead."
        ) from error


def decision_email_queue(application: Application) -> None:
    """Owe the applicant an e-mail about their application's current status, sent after commit."""
    from programs.tasks import email_application_decision

    Application.objects.filter(pk=application.pk).update(decision_email_sent_at=None)
    application.decision_email_sent_at = None
    transaction.on_commit(lambda: queue_task(email_application_decision, application.pk, queue="email"))


def application_submit(
    *,
    cohort: Cohort,
    applicant,
    institution: Institution,
    residency_program: str,
    training_year: int,
    statement: str,
    support_letter: UploadedFile,
    now=None,
) -> Application:
    now = now or timezone.now()
    if not cohort.accepts_applications(now):
        raise ApplicationError("Applications to this cohort are not open.")
    if not cohort.program.institutions.filter(pk=institution.pk).exists():
        raise ApplicationError(f"{institution} does not take part in {cohort.program}.")
    if Application.objects.filter(cohort=cohort, applicant=applicant).exists():
        raise ApplicationError("You have already applied to this cohort.")
    support_letter_check(support_letter)
    application = Application(
        cohort=cohort,
        applicant=applicant,
        institution=institution,
        residency_program=residency_program,
        training_year=training_year,
        statement=statement,
        submitted_at=now,
    )
    try:
        with transaction.atomic():
            application.support_letter.save("letter.pdf", support_letter, save=False)
            application.save()
    except IntegrityError as error:
        # Two submissions at once: the constraint kept one; the other's stored letter goes.
        application.support_letter.delete(save=False)
        raise ApplicationError("You have already applied to this cohort.") from error
    return application


def _locked(application: Application, *, decidable: tuple[str, ...] = DECIDABLE_STATUSES) -> Application:
    application = Application.objects.select_for_update().select_related("cohort").get(pk=application.pk)
    if application.status not in decidable:
        raise ApplicationError(f"This application is {application.get_status_display().lower()} already.")
    return application


def _decide(application: Application, *, status: str, director, note: str, now) -> None:
    application.status = status
    application.decided_at = now
    application.decided_by = director
    if note:
        application.decision_note = note


def application_accept(*, application: Application, director, note: str = "", now=None) -> Application:
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application)
        seat_take(cohort_id=application.cohort_id)
        _decide(application, status=ApplicationStatus.ACCEPTED, director=director, note=note, now=now)
        application.save()
        participant_create(application=application, now=now)
        decision_email_queue(application)
    return application


def participant_create(*, application: Application, now) -> Participant:
    return Participant.objects.create(
        cohort_id=application.cohort_id,
        user_id=application.applicant_id,
        institution_id=application.institution_id,
        application=application,
        joined_at=now,
    )


def application_waitlist(*, application: Application, director, note: str = "", now=None) -> Application:
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application, decidable=(ApplicationStatus.SUBMITTED,))
        _decide(application, status=ApplicationStatus.WAITLISTED, director=director, note=note, now=now)
        application.waitlisted_at = now
        application.save()
        decision_email_queue(application)
    return application


def application_decline(*, application: Application, director, note: str = "", now=None) -> Application:
    now = now or timezone.now()
    with transaction.atomic():
        application = _locked(application)
        _decide(application, status=ApplicationStatus.DECLINED, director=director, note=note, now=now)
        application.save()
        decision_email_queue(application)
    return application


def application_withdraw(*, application: Application, applicant, now=None) -> Application:
    """The applicant takes back an application no one has given a seat to yet."""
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk, applicant=applicant)
        if application.status not in WITHDRAWABLE_STATUSES:
            raise ApplicationError(
                f"This application is {application.get_status_display().lower()}; it cannot be withdrawn."
            )
        application.status = ApplicationStatus.WITHDRAWN
        application.decided_at = now
        application.save(update_fields=["status", "decided_at"])
    return application


def participant_withdraw(*, participant: Participant, director, now=None) -> Participant:
    """A participant leaves the cohort; their seat goes to the next applicant on the waitlist."""
    from programs.waitlist_services import seat_release

    now = now or timezone.now()
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status != ParticipantStatus.ACTIVE:
            raise ApplicationError(f"{participant.display_name} is {participant.get_status_display().lower()}.")
        participant.status = ParticipantStatus.WITHDRAWN
        participant.withdrawn_at = now
        participant.save(update_fields=["status", "withdrawn_at"])
        if participant.application_id:
            Application.objects.filter(pk=participant.application_id).update(
                status=ApplicationStatus.WITHDRAWN, decided_at=now, decided_by=director
            )
        seat_release(cohort_id=participant.cohort_id, now=now)
    return participant


# The e-mail worker gets this long to send a decision before the sweeper asks again; decisions
# older than the window are not chased (the applicant has long seen them on their page).
DECISION_EMAIL_STUCK_AFTER = timedelta(minutes=10)
DECISION_EMAIL_SWEEP_WINDOW = timedelta(days=2)


def decision_emails_sweep(*, now=None) -> int:
    """Queue again the decision e-mails the worker or the broker lost. The task sends only
    while the row says the e-mail is unsent, so asking twice sends once."""
    from programs.tasks import DECISION_SUBJECTS, email_application_decision

    now = now or timezone.now()
    window = (now - DECISION_EMAIL_SWEEP_WINDOW, now - DECISION_EMAIL_STUCK_AFTER)
    owed = Application.objects.filter(
        Q(status=ApplicationStatus.OFFERED, offered_at__range=window)
        | Q(
            status__in=[status for status in DECISION_SUBJECTS if status != ApplicationStatus.OFFERED],
            decided_at__range=window,
        ),
        decision_email_sent_at__isnull=True,
    )
    application_ids = list(owed.values_list("pk", flat=True))
    for application_id in application_ids:
        queue_task(email_application_decision, application_id, queue="email")
    return len(application_ids)
