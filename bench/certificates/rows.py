"""The rows the certificates benchmark works on, made in bulk."""

from decimal import Decimal


def make_course(slug: str = "bench-feedback-on-rounds"):
    from courses.models import Course, CourseStatus

    return Course.objects.create(
        slug=slug,
        title="Giving feedback that lands on busy clinical rotations",
        summary="Short, specific feedback at the bedside.",
        credits_max=Decimal("1.75"),
        status=CourseStatus.PUBLISHED,
        provider_name="Lakeside School of Medicine, Office of Continuing Medical Education",
    )


def make_completed_enrollments(count: int, *, course, tag: str) -> list:
    """Physicians with a complete CME profile who have completed the course, in bulk."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Profile
    from courses.models import Enrollment

    user_model = get_user_model()
    unusable = make_password(None)  # nobody signs in as these learners
    now = timezone.now()
    users = user_model.objects.bulk_create(
        [
            user_model(
                username=f"{tag}-{number}@bench.invalid", email=f"{tag}-{number}@bench.invalid", password=unusable
            )
            for number in range(count)
        ]
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                first_name="Morgan",
                last_name=f"Achterberg-{number}",
                certificate_name=f"Morgan Achterberg-{number}, MD",
                credentials="MD",
                profession="physician",
            )
            for number, user in enumerate(users)
        ]
    )
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user,
                course=course,
                disclosures_acknowledged_at=now,
                post_test_passed_at=now,
                evaluation_submitted_at=now,
                completed_at=now,
            )
            for user in users
        ]
    )
    for enrollment, user in zip(enrollments, users, strict=True):
        enrollment.user = user
    return enrollments


def make_pending_certificates(count: int, *, course, tag: str) -> list[int]:
    """Certificates as a claim leaves them (pending, snapshot frozen), made in bulk so that
    no render is queued yet: the benchmark queues them itself, all at once."""
    from django.utils import timezone

    from certificates.models import Certificate, CreditClaim, CreditType

    now = timezone.now()
    enrollments = make_completed_enrollments(count, course=course, tag=tag)
    claims = CreditClaim.objects.bulk_create(
        [
            CreditClaim(
                enrollment=enrollment,
                credit_type=CreditType.AMA_PRA_CATEGORY_1,
                credits_claimed=Decimal("1.75"),
                attested_at=now,
                claimed_at=now,
            )
            for enrollment in enrollments
        ]
    )
    certificates = Certificate.objects.bulk_create(
        [
            Certificate(
                claim=claim,
                enrollment=enrollment,
                user_id=enrollment.user_id,
                course=course,
                learner_name=f"Morgan Achterberg-{number}, MD",
                learner_credentials="MD",
                course_title=course.title,
                activity_format=course.get_activity_format_display(),
                provider_name=course.provider_name,
                accreditation_statement=course.accreditation_statement_text,
                designation_statement=course.designation_statement_text,
                credit_type=CreditType.AMA_PRA_CATEGORY_1,
                credits=Decimal("1.75"),
                completion_date=now.date(),
            )
            for number, (claim, enrollment) in enumerate(zip(claims, enrollments, strict=True))
        ]
    )
    return [certificate.pk for certificate in certificates]


def count_with_status(ids: list[int], status: str) -> int:
    from certificates.models import Certificate

    return Certificate.objects.filter(pk__gte=min(ids), pk__lte=max(ids), status=status).count()


def count_finished(ids: list[int]) -> int:
    """Certificates among `ids` that are ready or failed: done, one way or the other."""
    from certificates.models import Certificate, CertificateStatus

    return Certificate.objects.filter(
        pk__gte=min(ids), pk__lte=max(ids), status__in=[CertificateStatus.READY, CertificateStatus.FAILED]
    ).count()


def settle_in_process_emails() -> None:
    """Part 1's renders owe "ready" e-mails that nothing measures. Record them as sent, then run
    a send, which finds nothing owed and clears the mark that a send is waiting: the batch's
    worker then sends the batch's e-mails only, and asks for its own sends."""
    from django.utils import timezone

    from certificates.models import Certificate, CertificateStatus
    from certificates.ready_email_services import ready_emails_send

    Certificate.objects.filter(status=CertificateStatus.READY, ready_email_sent_at__isnull=True).update(
        ready_email_sent_at=timezone.now()
    )
    ready_emails_send()
