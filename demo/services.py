"""Demo data: a learner who finished a course and claimed credit, walked through the same
services a learner's clicks call, so `make run` shows a completion in the reports, a
certificate being rendered, and a line in the PARS file."""

from certificates import services as certificate_services
from certificates.models import CreditClaim
from courses import services as course_services
from courses.models import Course, Enrollment, EvaluationKind, Option
from courses.selectors import post_test_for

DEMO_EVALUATION_TEXT = "Ask the learner what they noticed before giving my view."


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
        responses = {item.id: ("5" if item.kind == EvaluationKind.LIKERT else DEMO_EVALUATION_TEXT)
                     for item in course.evaluation_items.all()}
        enrollment = course_services.evaluation_submit(enrollment=enrollment, responses=responses)
    if not CreditClaim.objects.filter(enrollment=enrollment).exists():
        certificate_services.credit_claim_create(enrollment=enrollment, user=learner, credits=course.credits_max,
                                                 attested=True)
    return Enrollment.objects.get(pk=enrollment.pk)
