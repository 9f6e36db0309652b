"""Rows the API reads, made directly: a course, learners who completed it, their certificates."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from certificates.models import Certificate, CertificateStatus, CreditClaim, CreditType
from courses.models import Enrollment
from tests.courses.factories import CourseFactory
from tests.factories import ProfileFactory


def bare_course(**fields):
    return CourseFactory(modules=0, bank=0, faculty=0, evaluation=False, **fields)


def completion(course, *, at=None, name="Ada Learner, MD") -> Enrollment:
    at = at or timezone.now()
    learner = ProfileFactory(certificate_name=name).user
    return Enrollment.objects.create(
        user=learner,
        course=course,
        enrolled_at=at - timedelta(days=1),
        post_test_passed_at=at,
        evaluation_submitted_at=at,
        completed_at=at,
    )


def certificate(enrollment, *, status=CertificateStatus.READY, credits=Decimal("1.00")) -> Certificate:
    now = timezone.now()
    claim = CreditClaim.objects.create(
        enrollment=enrollment, credit_type=CreditType.AMA_PRA_CATEGORY_1, credits_claimed=credits, attested_at=now
    )
    ready = status in (CertificateStatus.READY, CertificateStatus.REVOKED)
    return Certificate.objects.create(
        claim=claim,
        enrollment=enrollment,
        user=enrollment.user,
        course=enrollment.course,
        status=status,
        status_changed_at=now,
        learner_name=enrollment.user.profile.certificate_name,
        course_title=enrollment.course.title,
        activity_format="Enduring material",
        provider_name=enrollment.course.provider_name,
        accreditation_statement="Accredited.",
        designation_statement="Designated.",
        credit_type=CreditType.AMA_PRA_CATEGORY_1,
        credits=credits,
        completion_date=enrollment.completed_at.date(),
        issued_at=now if ready else None,
        pdf_path="x.pdf" if ready else "",
        pdf_size=100 if ready else None,
        pdf_sha256="0" * 64 if ready else "",
        revoked_at=now if status == CertificateStatus.REVOKED else None,
        revoked_reason="Attendance could not be confirmed." if status == CertificateStatus.REVOKED else "",
    )
