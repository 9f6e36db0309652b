"""Reads for a live session's credit page: where a participant stands, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Disclosure, Enrollment, EvaluationItem, Faculty
from programs.models import Attendance, LiveSession, Participant


@dataclass
class LiveCreditStanding:
    session: LiveSession
    participant: Participant
    attendance: Attendance | None
    enrollment: Enrollment | None
    certificate: Certificate | None

    @property
    def course(self):
        return self.session.credit_activity

    @property
    def has_ended(self) -> bool:
        return timezone.now() >= self.session.ends_at

    @property
    def step(self) -> str:
        """What the participant does next: wait, nothing (not attended), disclosures,
        evaluation, claim, or certificate."""
        if not self.has_ended:
            return "wait"
        if self.attendance is None:
            return "not_attended"
        if self.certificate is not None:
            return "certificate"
        if self.enrollment is None or self.enrollment.disclosures_acknowledged_at is None:
            return "disclosures"
        if self.enrollment.completed_at is None:
            return "evaluation"
        return "claim"


def live_credit_session(*, session_id: int) -> LiveSession:
    """A session designated for credit, with its activity's faculty, disclosures and evaluation."""
    try:
        return (
            LiveSession.objects.select_related("cohort__program", "credit_activity")
            .prefetch_related(
                Prefetch(
                    "credit_activity__faculty",
                    queryset=Faculty.objects.prefetch_related(
                        Prefetch("disclosures", queryset=Disclosure.objects.order_by("id"))
                    ),
                ),
                Prefetch("credit_activity__evaluation_items", queryset=EvaluationItem.objects.order_by("order", "id")),
            )
            .get(pk=session_id, credit_activity__isnull=False)
        )
    except LiveSession.DoesNotExist as error:
        raise Http404("No such session.") from error


def live_credit_standing_for(*, user, session_id: int) -> LiveCreditStanding:
    """The user's standing at a credit-designated session of their own cohort. Anyone who is
    not a participant of the session's cohort gets a 404: the page does not exist for them."""
    if not user.is_authenticated:
        raise Http404("No such session.")
    session = live_credit_session(session_id=session_id)
    participant = Participant.objects.filter(cohort_id=session.cohort_id, user=user).first()
    if participant is None:
        raise Http404("No such session.")
    enrollment = Enrollment.objects.filter(user=user, course_id=session.credit_activity_id).first()
    certificate = Certificate.objects.filter(enrollment=enrollment).first() if enrollment else None
    return LiveCreditStanding(
        session=session,
        participant=participant,
        attendance=Attendance.objects.filter(session=session, participant=participant).first(),
        enrollment=enrollment,
        certificate=certificate,
    )
