"""Reads for the LTI tool."""

from decimal import Decimal

from courses import grading
from courses.models import Attempt, Enrollment, QuizKind
from lti.models import LaunchHandoff, handoff_key


def handoff_for_arrival_token(*, token: str) -> LaunchHandoff | None:
    return LaunchHandoff.objects.select_related("registration").filter(arrival_key=handoff_key(token)).first()


def post_test_score(*, enrollment: Enrollment) -> Decimal | None:
    """The learner's post-test grade as the course counts it (highest, last, first or average)."""
    quiz = enrollment.course.quizzes.filter(kind=QuizKind.POST_TEST).first()
    scores = list(
        Attempt.objects.filter(enrollment=enrollment, quiz=quiz, submitted_at__isnull=False)
        .order_by("number")
        .values_list("score_percent", flat=True)
    )
    if quiz is None or not scores:
        return None
    return grading.overall_grade(method=quiz.grading_method, scores_in_order=scores)
