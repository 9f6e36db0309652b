"""What the API returns, as pydantic schemas: they are the OpenAPI document's components."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from certificates.models import Certificate, CertificateStatus
from courses.models import Course, Enrollment


class ErrorOut(Schema):
    message: str = Field(description="What went wrong and what to do, for a person to read.")


class ProblemOut(Schema):
    location: str = Field(description="Where the parameter was sent: `query` or `path`.")
    field: str = Field(description="The parameter's name, e.g. `limit`.")
    message: str = Field(description="What is wrong with it.")


class ValidationErrorOut(Schema):
    message: str = Field(description="Every problem in one sentence, for a person to read.")
    errors: list[ProblemOut] = Field(min_length=1, description="Each problem on its own, for a program to act on.")


class LearnerOut(Schema):
    id: int
    email: str
    name: str


class CourseRefOut(Schema):
    id: int
    slug: str
    title: str


class CourseOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    url: str
    activity_format: str
    activity_format_label: str
    provider_name: str
    credits_max: float
    credit_designation: str
    accme_activity_id: str | None
    accreditation_statement: str
    designation_statement: str
    estimated_minutes: int
    passing_score_percent: int
    learning_objectives: list[str]
    topics: list[str]
    release_date: date | None
    expiry_date: date | None
    published_at: datetime | None
    is_open: bool


class CourseListOut(Schema):
    items: list[CourseOut]


class CompletionOut(Schema):
    id: int
    course: CourseRefOut
    learner: LearnerOut
    post_test_passed_at: datetime
    completed_at: datetime
    certificate_code: str | None


class CompletionPageOut(Schema):
    items: list[CompletionOut]
    next_cursor: str | None
    has_more: bool


class CertificateOut(Schema):
    code: str
    status: CertificateStatus
    course: CourseRefOut
    learner: LearnerOut
    learner_name_on_certificate: str
    credit_type: str
    credit_type_label: str
    credits: float
    credit_text: str = Field(
        description="The amount with its unit, as the certificate words it: "
        '"1.5 AMA PRA Category 1 Credits™", "0.5 hours of participation".'
    )
    completion_date: date
    issued_at: datetime | None
    status_changed_at: datetime
    revoked_at: datetime | None
    verify_url: str


class CertificatePageOut(Schema):
    items: list[CertificateOut]
    next_cursor: str | None
    has_more: bool


class TranscriptItemOut(Schema):
    course: CourseRefOut
    provider_name: str
    credit_type: str
    credit_type_label: str
    credits: float
    credit_text: str = Field(description="The amount with its unit, as the certificate words it.")
    completed_at: datetime
    claimed_at: datetime
    certificate_code: str
    certificate_status: CertificateStatus
    verify_url: str


class CreditTotalOut(Schema):
    credit_type_label: str
    credits: float
    credit_text: str = Field(description="The total with its unit.")


class TranscriptOut(Schema):
    learner: LearnerOut
    items: list[TranscriptItemOut]
    totals: list[CreditTotalOut]


def learner_out(user) -> dict:
    try:
        name = user.profile.certificate_name
    except ObjectDoesNotExist:
        name = ""
    return {"id": user.pk, "email": user.email, "name": name or user.get_full_name()}


def course_ref_out(course: Course) -> dict:
    return {"id": course.pk, "slug": course.slug, "title": course.title}


def course_out(course: Course) -> dict:
    return {
        **course_ref_out(course),
        "summary": course.summary,
        "url": settings.SITE_URL + course.get_absolute_url(),
        "activity_format": course.activity_format,
        "activity_format_label": course.get_activity_format_display(),
        "provider_name": course.provider_name,
        "credits_max": float(course.credits_max),
        "credit_designation": "AMA PRA Category 1 Credit™",
        "accme_activity_id": course.accme_activity_id or None,
        "accreditation_statement": course.accreditation_statement_text,
        "designation_statement": course.designation_statement_text,
        "estimated_minutes": course.estimated_minutes,
        "passing_score_percent": course.passing_score_percent,
        "learning_objectives": [str(item) for item in course.learning_objectives or []],
        "topics": [topic.name for topic in course.topics.all()],
        "release_date": course.release_date,
        "expiry_date": course.expiry_date,
        "published_at": course.published_at,
        "is_open": course.is_open(),
    }


def completion_out(enrollment: Enrollment) -> dict:
    try:
        code = enrollment.certificate.code
    except ObjectDoesNotExist:
        code = None
    return {
        "id": enrollment.pk,
        "course": course_ref_out(enrollment.course),
        "learner": learner_out(enrollment.user),
        "post_test_passed_at": enrollment.post_test_passed_at,
        "completed_at": enrollment.completed_at,
        "certificate_code": code,
    }


def certificate_out(certificate: Certificate) -> dict:
    return {
        "code": certificate.code,
        "status": certificate.status,
        "course": course_ref_out(certificate.course),
        "learner": learner_out(certificate.user),
        "learner_name_on_certificate": certificate.learner_name,
        "credit_type": certificate.credit_type,
        "credit_type_label": certificate.get_credit_type_display(),
        "credits": float(certificate.credits),
        "credit_text": certificate.credit_text,
        "completion_date": certificate.completion_date,
        "issued_at": certificate.issued_at,
        "status_changed_at": certificate.status_changed_at,
        "revoked_at": certificate.revoked_at,
        "verify_url": certificate.verify_url,
    }
