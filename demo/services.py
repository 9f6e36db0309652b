"""Demo data: the demo accounts with their published passwords, and a learner who finished
a course and claimed credit, walked through the same services a learner's clicks call, so
`make run` shows a completion in the reports, a certificate being rendered, and a line in the
PARS file."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import Profile
from certificates import services as certificate_services
from certificates.models import CreditClaim
from courses import services as course_services
from courses.models import Course, Enrollment, EvaluationKind, Option
from courses.selectors import post_test_for

DEMO_EVALUATION_TEXT = "Ask the learner what they noticed before giving my view."

# The demo accounts' passwords are published (README, `make run`); they exist only in this
# app, which seed_demo loads only with DEBUG on.
DEMO_ADMIN_EMAIL = "admin@docere.local"
DEMO_ADMIN_PASSWORD = "docere-admin-demo"  # noqa: S105 — demo only; seed_demo refuses to run with DEBUG off
DEMO_LEARNER_EMAIL = "learner@docere.local"
DEMO_LEARNER_PASSWORD = "docere-learner-demo"  # noqa: S105 — demo only


def user_with_verified_email(*, email: str, password: str | None, **fields):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=email, defaults={"email": email, **fields})
    if created:
        user.set_password(password)
        user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def demo_accounts_ensure() -> dict:
    """The demo admin (MFA not yet enrolled) and a learner with a complete profile. Idempotent."""
    admin = user_with_verified_email(
        email=DEMO_ADMIN_EMAIL,
        password=DEMO_ADMIN_PASSWORD,
        is_staff=True,
        is_superuser=True,
        first_name="Demo",
        last_name="Administrator",
    )
    learner = user_with_verified_email(
        email=DEMO_LEARNER_EMAIL,
        password=DEMO_LEARNER_PASSWORD,
        first_name="Maya",
        last_name="Okonkwo-Reyes",
    )
    Profile.objects.get_or_create(
        user=learner,
        defaults={
            "first_name": "Maya",
            "last_name": "Okonkwo-Reyes",
            "certificate_name": "Maya Okonkwo-Reyes, MD",
            "credentials": "MD",
            "profession": "physician",
            "institution": "Riverside University College of Medicine",
            "specialty": "Internal medicine",
            "npi": "1234567893",
            "licence_state": "OH",
            "licence_number": "35.123456",
            "certifying_board": "ABIM",
            "board_id": "123456",
            "birth_month": 4,
            "birth_day": 18,
            "reporting_consent": True,
            "reporting_consent_changed_at": timezone.now(),
        },
    )
    return {"admin": admin, "learner": learner}


def demo_completion_ensure(*, learner, course: Course) -> Enrollment:
    """Complete `course` for `learner` and claim its full credit. Idempotent: each step that
    is already done is skipped, so a second run (or a learner further on) is left as it is."""
    enrollment = course_services.enrollment_create(user=learner, course=course)
    if enrollment.completed_at is None:
        course_services.disclosures_acknowledge(enrollment=enrollment)
        for module in course.modules.order_by("order"):
            course_services.module_complete(enrollment=enrollment, module=module)
        enrollment.refresh_from_db()
        if enrollment.post_test_passed_at is None:
            attempt = course_services.attempt_start(enrollment=enrollment, quiz=post_test_for(course))
            right = {}
            for option in Option.objects.filter(question_id__in=attempt.question_ids, weight_percent__gt=0):
                right.setdefault(option.question_id, []).append(option.id)
            course_services.attempt_submit(attempt=attempt, answers=right)
        responses = {
            item.id: ("5" if item.kind == EvaluationKind.LIKERT else DEMO_EVALUATION_TEXT)
            for item in course.evaluation_items.all()
        }
        enrollment = course_services.evaluation_submit(enrollment=enrollment, responses=responses)
    if not CreditClaim.objects.filter(enrollment=enrollment).exists():
        certificate_services.credit_claim_create(
            enrollment=enrollment, user=learner, credits=course.credits_max, attested=True
        )
    return Enrollment.objects.get(pk=enrollment.pk)
