import pytest

from courses import services as course_services
from courses.models import QuizKind
from tests.courses.conftest import build_course, complete_modules, correct_answers
from tests.factories import ProfileFactory


def complete_course(user, course):
    """Walk a learner through a course with the real services, up to completion."""
    enrollment = course_services.enrollment_create(user=user, course=course)
    complete_modules(enrollment)
    attempt = course_services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    course_services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    responses = {item.id: ("5" if item.kind == "likert" else "More open questions.")
                 for item in course.evaluation_items.all()}
    return course_services.evaluation_submit(enrollment=enrollment, responses=responses)


@pytest.fixture
def physician(db):
    return ProfileFactory(certificate_name="Amara Fenwick-Oduya, MD").user


@pytest.fixture
def completed_enrollment(physician):
    course = build_course(slug="bias-in-feedback")
    return complete_course(physician, course)
