"""Many learners at once, written with bulk_create: a course's whole cohort in a few
queries, for the tests that need hundreds or thousands of rows (query counts, streaming)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Profile
from certificates.models import Certificate, CertificateStatus, CreditClaim, CreditType
from courses.models import (
    Answer,
    Attempt,
    Course,
    Enrollment,
    EvaluationKind,
    EvaluationResponse,
    ModuleProgress,
    Option,
    QuizKind,
)

BATCH = 2000


def bulk_learners(count: int, *, prefix: str) -> list:
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{n}@example.org", email=f"{prefix}{n}@example.org", password="!")
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                first_name="Bulk",
                last_name=f"Learner {n}",
                certificate_name=f"Bulk Learner {n}",
                credentials="MD",
                profession="physician" if n % 3 else "other_hp",
                institution=("Lakeside School of Medicine", "Riverside College", "")[n % 3],
            )
            for n, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    return users


def bulk_cohort(course: Course, count: int, *, prefix: str, now=None) -> list[Enrollment]:
    """`count` learners who all completed `course`: modules, one graded attempt, the
    evaluation (every third perceiving bias) and, for every other one, a ready certificate."""
    now = now or timezone.now()
    users = bulk_learners(count, prefix=prefix)
    enrollments = Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user,
                course=course,
                enrolled_at=now - timedelta(days=3),
                disclosures_acknowledged_at=now,
                post_test_passed_at=now,
                evaluation_submitted_at=now,
                completed_at=now,
            )
            for user in users
        ],
        batch_size=BATCH,
    )
    modules = list(course.modules.all())
    ModuleProgress.objects.bulk_create(
        [ModuleProgress(enrollment=enrollment, module=module) for enrollment in enrollments for module in modules],
        batch_size=BATCH,
    )
    quiz = course.quizzes.get(kind=QuizKind.POST_TEST)
    options = {}
    for option in Option.objects.filter(question__quiz=quiz).order_by("question_id", "-weight_percent", "id"):
        options.setdefault(option.question_id, []).append(option.id)  # the right option first
    layout = [{"question": question_id, "options": option_ids} for question_id, option_ids in options.items()]
    # Learner n misses question q now and then, so scores (and item statistics) vary.
    marks = [[int((n * 7 + q * 3) % 5 != 0) for q in range(len(options))] for n in range(count)]
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                enrollment=enrollment,
                quiz=quiz,
                number=1,
                started_at=now,
                submitted_at=now,
                layout=layout,
                score_percent=Decimal(100 * sum(marks[n]) / len(options)).quantize(Decimal("0.01")),
                passed=True,
            )
            for n, enrollment in enumerate(enrollments)
        ],
        batch_size=BATCH,
    )
    Answer.objects.bulk_create(
        [
            Answer(
                attempt=attempt,
                question_id=question_id,
                selected_option_ids=[option_ids[1 - mark]],
                points=Decimal(mark),
            )
            for attempt, learner_marks in zip(attempts, marks, strict=True)
            for (question_id, option_ids), mark in zip(options.items(), learner_marks, strict=True)
        ],
        batch_size=BATCH,
    )
    items = list(course.evaluation_items.all())
    EvaluationResponse.objects.bulk_create(
        [
            EvaluationResponse(
                enrollment=enrollment,
                item=item,
                submitted_at=now,
                likert_value=(2 if item.code == "free_of_commercial_bias" and n % 3 == 0 else 4)
                if item.kind == EvaluationKind.LIKERT
                else None,
                text="" if item.kind == EvaluationKind.LIKERT else f"Comment {n}",
            )
            for n, enrollment in enumerate(enrollments)
            for item in items
        ],
        batch_size=BATCH,
    )
    certified = enrollments[::2]
    claims = CreditClaim.objects.bulk_create(
        [
            CreditClaim(
                enrollment=enrollment,
                credit_type=CreditType.AMA_PRA_CATEGORY_1,
                credits_claimed=Decimal("1.50"),
                attested_at=now,
                claimed_at=now,
            )
            for enrollment in certified
        ],
        batch_size=BATCH,
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                claim=claim,
                enrollment=claim.enrollment,
                user_id=claim.enrollment.user_id,
                course=course,
                status=CertificateStatus.READY,
                learner_name="Bulk Learner",
                course_title=course.title,
                activity_format="Enduring material",
                provider_name=course.provider_name,
                accreditation_statement="Accredited.",
                designation_statement="Designated.",
                credit_type=CreditType.AMA_PRA_CATEGORY_1,
                credits=Decimal("1.50"),
                completion_date=now.date(),
                issued_at=now,
                pdf_path=f"certificates/bulk-{claim.pk}.pdf",
                pdf_size=1,
                pdf_sha256="0" * 64,
            )
            for claim in claims
        ],
        batch_size=BATCH,
    )
    return enrollments
