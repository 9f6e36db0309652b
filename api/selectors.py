"""Reads behind the API. Each list is a fixed number of queries whatever its length."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from certificates.models import Certificate, CertificateKind
from courses.models import Course, CourseStatus, Enrollment


def published_courses() -> QuerySet[Course]:
    # Unlisted courses are live sessions' credit activities, not courses an LMS can offer.
    return (
        Course.objects.filter(status=CourseStatus.PUBLISHED, is_listed=True)
        .prefetch_related("topics")
        .order_by("title", "pk")
    )


def published_course(*, course_id: int) -> Course:
    return published_courses().get(pk=course_id)


def completions(*, course_id: int | None = None, since: datetime | None = None) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.filter(completed_at__isnull=False).select_related(
        "course", "user__profile", "certificate"
    )
    if course_id is not None:
        enrollments = enrollments.filter(course_id=course_id)
    if since is not None:
        enrollments = enrollments.filter(completed_at__gte=since)
    return enrollments


def certificates(
    *, course_id: int | None = None, status: str | None = None, since: datetime | None = None
) -> QuerySet[Certificate]:
    rows = _credit_certificates()
    if course_id is not None:
        rows = rows.filter(course_id=course_id)
    if status:
        rows = rows.filter(status=status)
    if since is not None:
        rows = rows.filter(status_changed_at__gte=since)
    return rows


def _credit_certificates() -> QuerySet[Certificate]:
    # The API is about courses and their credit: a program certificate of completion has
    # neither, so it is not served here (its public record is the /verify/ page).
    return Certificate.objects.filter(kind=CertificateKind.CME_CREDIT).select_related("course", "user__profile")


def certificate_by_code(*, code: str) -> Certificate:
    return _credit_certificates().get(code=code)


def learner(*, learner_id: int):
    return get_user_model().objects.select_related("profile").get(pk=learner_id)
