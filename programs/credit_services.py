"""Writes for a live session's CME credit: designating a session for credit, and a
participant's path from attendance to certificate through the course machinery.

The session's credit activity is a course of its own (live format, unlisted); attendance
takes the place of the post-test, and the evaluation, claim and certificate are the course's."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from certificates.models import Certificate
from certificates.services import credit_claim_create
from courses.authoring_services import evaluation_items_seed_standard
from courses.credit_wording import credit_amount
from courses.credits import CREDIT_STEP_RULE, credits_for_duration, is_on_credit_step
from courses.errors import Conflict, CoursePublishError, InvalidSubmission, NotAllowedYet
from courses.models import ActivityFormat, Course, CourseStatus, Disclosure, Enrollment, Faculty, FacultyRole
from courses.selectors import live_activity_publication_problems
from courses.services import disclosures_acknowledge, evaluation_submit
from programs.models import Attendance, LiveSession

# How long after the session its credit may still be claimed: the activity's expiry date.
# AMA PRA credit is claimed within the activity's approved dates, and a year lets a resident
# finish their CME profile before claiming.
CLAIM_WINDOW = timedelta(days=365)
ACCME_ACTIVITY_ID = re.compile(r"[0-9]{9}")


@dataclass(frozen=True)
class LiveFaculty:
    """A person in control of the session's content, and what they disclosed (ACCME Std 3).
    No ineligible company named means no relevant financial relationships."""

    name: str
    degrees: str = ""
    role: str = FacultyRole.PRESENTER
    ineligible_company: str = ""
    relationship: str = ""
    is_mitigated: bool = False


def live_activity_format(session: LiveSession) -> str:
    """In the room (or hybrid) is a live course; a session held only over video is an
    internet live course (ACCME's activity types)."""
    return ActivityFormat.INTERNET_LIVE_COURSE if not session.location.strip() else ActivityFormat.LIVE_COURSE


def live_session_credits_ceiling(session: LiveSession) -> Decimal:
    return credits_for_duration(int(session.duration.total_seconds() // 60))


def _credits_refusal(session: LiveSession, credits_max: Decimal) -> str | None:
    ceiling = live_session_credits_ceiling(session)
    if not credits_max.is_finite() or credits_max <= 0:
        return "Designate a positive number of credits."
    if not is_on_credit_step(credits_max):
        return f"Credits are designated {CREDIT_STEP_RULE}."
    if credits_max > ceiling:
        minutes = int(session.duration.total_seconds() // 60)
        return (
            f"A {minutes}-minute session may be designated for at most {credit_amount(ceiling)} "
            "(its length in hours, rounded down to a quarter hour)."
            if ceiling
            else f"A {minutes}-minute session is too short to be designated for credit."
        )
    return None


def live_session_designate_for_credit(
    *,
    session: LiveSession,
    credits_max: Decimal,
    accme_activity_id: str = "",
    faculty: Sequence[LiveFaculty],
    by,
) -> Course:
    """Create and publish the session's credit activity, checked as any course is before it
    reaches learners (everything but modules and a post-test, which a live activity has not)."""
    accme_activity_id = accme_activity_id.strip()
    if session.credit_activity_id is not None:
        raise Conflict("This session is already designated for credit.")
    if refusal := _credits_refusal(session, credits_max):
        raise InvalidSubmission(refusal)
    if accme_activity_id and not ACCME_ACTIVITY_ID.fullmatch(accme_activity_id):
        raise InvalidSubmission("An ACCME activity ID is 9 digits.")
    released_on = timezone.localtime(session.starts_at, session.zone).date()
    program = session.cohort.program
    with transaction.atomic():
        course = Course.objects.create(
            slug=f"live-{session.pk}-{slugify(session.title)}"[:80].rstrip("-"),
            title=session.title,
            summary=f"A live session of {program.title}, {session.cohort.year}, on {released_on:%B %-d, %Y}."[:400],
            description=session.agenda,
            activity_format=live_activity_format(session),
            estimated_minutes=int(session.duration.total_seconds() // 60),
            credits_max=credits_max,
            accme_activity_id=accme_activity_id,
            # Only an activity with its PARS ID can be reported; without one it is left out of PARS files.
            is_reported_to_pars=bool(accme_activity_id),
            release_date=released_on,
            expiry_date=released_on + CLAIM_WINDOW,
            is_listed=False,
        )
        for order, person in enumerate(faculty, start=1):
            row = Faculty.objects.create(
                course=course, order=order, name=person.name.strip(), degrees=person.degrees.strip(), role=person.role
            )
            company = person.ineligible_company.strip()
            Disclosure.objects.create(
                faculty=row,
                has_no_relevant_relationships=not company,
                ineligible_company=company,
                relationship=person.relationship.strip() if company else "",
                is_mitigated=person.is_mitigated if company else False,
            )
        problems = live_activity_publication_problems(course)
        if problems:
            # Raised inside the transaction: nothing of the half-made activity is kept.
            raise CoursePublishError(problems)
        evaluation_items_seed_standard(course=course)
        course.status = CourseStatus.PUBLISHED
        course.published_at = timezone.now()
        course.save(update_fields=["status", "published_at", "updated_at"])
        session.credit_activity = course
        session.save(update_fields=["credit_activity", "updated_at"])
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[course],
            action_flag=ADDITION,
            change_message=f"Designated the live session “{session.title}” for {credit_amount(credits_max)}.",
            single_object=True,
        )
    return course


def moved_session_problem(session: LiveSession) -> str | None:
    """Why a designated session cannot take these times: made shorter than the credit it is
    designated for, attendees could claim more than it lasted."""
    if session.credit_activity_id is None:
        return None
    credits_max = session.credit_activity.credits_max
    if credits_max <= live_session_credits_ceiling(session):
        return None
    minutes = int(session.duration.total_seconds() // 60)
    return (
        f"This session is designated for {credit_amount(credits_max)}, so it cannot be shorter than "
        f"{int(credits_max * 60)} minutes (this change makes it {minutes})."
    )


def credit_activity_follow_session(*, session: LiveSession) -> None:
    """A designated session that moves takes its CME activity with it: the day it is held (the
    activity's release date, and so the completion date and the claim window), its length and
    its format. Called with the moved session before it is saved, in the same transaction."""
    if session.credit_activity_id is None:
        return
    if problem := moved_session_problem(session):
        raise InvalidSubmission(problem)
    held_on = timezone.localtime(session.starts_at, session.zone).date()
    Course.objects.filter(pk=session.credit_activity_id).update(
        release_date=held_on,
        expiry_date=held_on + CLAIM_WINDOW,
        estimated_minutes=int(session.duration.total_seconds() // 60),
        activity_format=live_activity_format(session),
        updated_at=timezone.now(),
    )


def _attendance(*, session: LiveSession, user) -> Attendance:
    attendance = (
        Attendance.objects.filter(session=session, participant__user=user, participant__cohort_id=session.cohort_id)
        .order_by("recorded_at")
        .first()
    )
    if attendance is None:
        raise NotAllowedYet("No attendance is recorded for you at this session, so it carries no credit for you.")
    return attendance


def _open_for_credit(session: LiveSession, now=None) -> None:
    if session.credit_activity_id is None:
        raise NotAllowedYet("This session is not designated for credit.")
    # Credit opens when the session has ended: the evaluation asks about the whole activity,
    # and the credit claimed is commensurate with participation, known only at the end.
    if (now or timezone.now()) < session.ends_at:
        raise NotAllowedYet("Credit for this session opens when it ends.")


def live_credit_enrollment_ensure(*, session: LiveSession, user) -> Enrollment:
    """The attendee's enrollment in the session's credit activity, attended when the
    attendance was recorded. Idempotent: a second call returns the same row."""
    _open_for_credit(session)
    attendance = _attendance(session=session, user=user)
    with transaction.atomic():
        enrollment, _ = Enrollment.objects.get_or_create(
            user=user, course_id=session.credit_activity_id, defaults={"attended_at": attendance.recorded_at}
        )
        if enrollment.attended_at is None:
            enrollment.attended_at = attendance.recorded_at
            enrollment.save(update_fields=["attended_at"])
    return enrollment


def live_credit_disclosures_acknowledge(*, session: LiveSession, user) -> Enrollment:
    with transaction.atomic():
        enrollment = live_credit_enrollment_ensure(session=session, user=user)
        return disclosures_acknowledge(enrollment=enrollment)


def _acknowledged_enrollment(session: LiveSession, user) -> Enrollment:
    _open_for_credit(session)
    _attendance(session=session, user=user)
    enrollment = Enrollment.objects.filter(user=user, course_id=session.credit_activity_id).first()
    if enrollment is None or enrollment.disclosures_acknowledged_at is None:
        # ACCME Standard 3: the disclosures are seen before anything else of the activity.
        raise NotAllowedYet("Read and acknowledge the faculty disclosures first.")
    # Disclosures acknowledged on the session page before it began made the enrollment before
    # there was any attendance to record on it: recorded now.
    return live_credit_enrollment_ensure(session=session, user=user)


def live_credit_evaluation_submit(*, session: LiveSession, user, responses: Mapping[int, str]) -> Enrollment:
    """The course's own evaluation; submitting it completes the activity, dated the day of
    the session (the completion date on the certificate and in PARS), not the day of the form."""
    enrollment = _acknowledged_enrollment(session, user)
    with transaction.atomic():
        enrollment = evaluation_submit(enrollment=enrollment, responses=responses)
        enrollment.completed_at = session.ends_at
        enrollment.save(update_fields=["completed_at"])
    return enrollment


def live_credit_claim(*, session: LiveSession, user, credits: Decimal, attested: bool) -> Certificate:
    """Claim credit through the certificates pipeline: the worker renders the certificate."""
    enrollment = _acknowledged_enrollment(session, user)
    enrollment.course = session.credit_activity
    return credit_claim_create(enrollment=enrollment, user=user, credits=credits, attested=attested)
