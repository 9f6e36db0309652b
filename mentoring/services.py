"""Every write in mentoring: pairing a participant with a mentor, ending a pairing, and the
meetings either side of a pairing logs. One transaction per action; the mentor's e-mail
leaves only after the pairing is committed."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from certificates.services import queue_task
from mentoring.errors import MentoringError
from mentoring.models import MentoringMeeting, MentorPairing
from programs.models import Participant, ParticipantStatus

# Queued by name, as CELERY_TASK_ROUTES sends the certificate e-mail: never behind bulk work.
EMAIL_QUEUE = "email"


def meeting_date_check(met_on: date) -> None:
    """A meeting is logged after it happened: never a date in the future (local calendar)."""
    if met_on > timezone.localdate():
        raise MentoringError("A meeting cannot be logged for a date in the future.")


def _queue_paired_email(pairing_id: int) -> None:
    from mentoring.tasks import email_mentor_paired

    queue_task(email_mentor_paired, pairing_id, queue=EMAIL_QUEUE)


def mentor_pairing_create(*, participant: Participant, mentor, paired_by) -> MentorPairing:
    if participant.status != ParticipantStatus.ACTIVE:
        raise MentoringError(f"{participant.display_name} is no longer an active participant.")
    if mentor.pk == participant.user_id:
        raise MentoringError("A participant cannot be their own mentor.")
    if not mentor.is_active:
        raise MentoringError(f"The account {mentor.email} is deactivated.")
    try:
        with transaction.atomic():
            pairing = MentorPairing.objects.create(participant=participant, mentor=mentor, paired_by=paired_by)
            transaction.on_commit(lambda: _queue_paired_email(pairing.pk))
    except IntegrityError as error:
        # one_current_pairing_per_participant_and_mentor: two directors pairing at once, or twice.
        raise MentoringError(f"{mentor.email} already mentors {participant.display_name}.") from error
    return pairing


def mentor_pairing_end(*, pairing: MentorPairing) -> MentorPairing:
    with transaction.atomic():
        pairing = MentorPairing.objects.select_for_update().get(pk=pairing.pk)
        if pairing.ended_at is not None:
            raise MentoringError("This pairing has already ended.")
        pairing.ended_at = timezone.now()
        pairing.save(update_fields=["ended_at"])
    return pairing


def _check_loggable(pairing: MentorPairing, user) -> None:
    if user.pk not in (pairing.mentor_id, pairing.participant.user_id):
        raise MentoringError("Only the mentor and the participant log their meetings.")
    if not pairing.is_current:
        raise MentoringError("This pairing has ended: its meetings can no longer be changed.")


def mentoring_meeting_log(
    *, pairing: MentorPairing, logged_by, met_on: date, duration_minutes: int | None, notes: str
) -> MentoringMeeting:
    _check_loggable(pairing, logged_by)
    meeting_date_check(met_on)
    return MentoringMeeting.objects.create(
        pairing=pairing, logged_by=logged_by, met_on=met_on, duration_minutes=duration_minutes, notes=notes
    )


def mentoring_meeting_update(
    *, meeting: MentoringMeeting, user, met_on: date, duration_minutes: int | None, notes: str
) -> MentoringMeeting:
    if meeting.logged_by_id != user.pk:
        raise MentoringError("Only the person who logged a meeting may change it.")
    _check_loggable(meeting.pairing, user)
    meeting_date_check(met_on)
    meeting.met_on, meeting.duration_minutes, meeting.notes = met_on, duration_minutes, notes
    meeting.save(update_fields=["met_on", "duration_minutes", "notes"])
    return meeting


def mentoring_meeting_delete(*, meeting: MentoringMeeting, user) -> None:
    if meeting.logged_by_id != user.pk:
        raise MentoringError("Only the person who logged a meeting may delete it.")
    _check_loggable(meeting.pairing, user)
    meeting.delete()
