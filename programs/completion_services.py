"""Issuing a program's certificate of completion.

It is a certificate like a course's, minus the credit: the same row, the same render task
on the worker, the same /verify/ page. The participant row holds it (one per participant,
a database constraint), so asking twice, or two clicks at once, gives the same certificate.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from accounts.selectors import profile_for
from certificates.models import Certificate, CertificateEventKind, CertificateKind
from certificates.services import certificate_event_record, queue_render
from courses.models import Course
from programs.completion_selectors import CompletionStatus, cohort_completion_statuses, program_completion_status
from programs.models import Cohort, Participant, ParticipantStatus

# The certificate's printed format, with the cohort's year (the snapshot's activity_format).
COMPLETION_FORMAT = "Program certificate of completion, {year} cohort"


class ProgramNotComplete(Exception):
    def __init__(self, missing: list[str]):
        super().__init__("The program is not complete yet: " + "; ".join(missing) + ".")
        self.message = str(self)
        self.missing = missing


def _provider_name() -> str:
    # The provider printed on every Docere course's certificates unless a course names another.
    return Course._meta.get_field("provider_name").default


def _certificate_create(participant: Participant) -> Certificate:
    user = participant.user
    profile = profile_for(user)
    cohort = participant.cohort
    certificate = Certificate.objects.create(
        kind=CertificateKind.PROGRAM_COMPLETION,
        user=user,
        learner_name=(profile.certificate_name if profile and profile.certificate_name else participant.display_name),
        learner_credentials=profile.credentials if profile else "",
        course_title=cohort.program.title,
        activity_format=COMPLETION_FORMAT.format(year=cohort.year),
        provider_name=_provider_name(),
        completion_date=timezone.localdate(),
    )
    certificate_event_record(certificate, CertificateEventKind.CREATED, actor=user, detail="program completed")
    return certificate


def program_certificate_issue(*, participant: Participant) -> Certificate:
    """The participant's certificate of completion: created and queued for rendering when the
    program is complete, the existing one when it was issued before. Raises ProgramNotComplete
    with what is missing, writing nothing."""
    with transaction.atomic():
        # The row lock makes two requests at once wait for each other: the second sees the first's certificate.
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("cohort__program", "user", "certificate")
            .get(pk=participant.pk)
        )
        if participant.certificate_id is not None:
            return participant.certificate
        if participant.status == ParticipantStatus.WITHDRAWN:
            raise ProgramNotComplete(["Rejoin the cohort: you withdrew from it"])
        status = program_completion_status(participant)
        if not status.is_complete:
            raise ProgramNotComplete(status.missing)
        certificate = _certificate_create(participant)
        participant.certificate = certificate
        participant.status = ParticipantStatus.COMPLETED
        participant.completed_at = participant.completed_at or timezone.now()
        participant.save(update_fields=["certificate", "status", "completed_at"])
        transaction.on_commit(lambda: queue_render(certificate.pk, certificate.render_generation))
    return certificate


@dataclass
class BulkIssueResult:
    issued: list[Certificate] = field(default_factory=list)
    already_issued: int = 0
    not_complete: list[CompletionStatus] = field(default_factory=list)


def program_certificates_issue_for_cohort(*, cohort: Cohort) -> BulkIssueResult:
    """Issue the certificate to everyone in the cohort who is complete and has none yet.
    Each participant's issue commits on its own, like their own request would; a cohort is
    at most a hundred people, so this runs in the request."""
    result = BulkIssueResult()
    for status in cohort_completion_statuses(cohort=cohort):
        if status.has_certificate:
            result.already_issued += 1
        elif not status.is_complete:
            result.not_complete.append(status)
        else:
            result.issued.append(program_certificate_issue(participant=status.participant))
    return result
