from types import SimpleNamespace

import pytest

from certificates import services as certificate_services
from certificates import transcript_services
from certificates.models import TranscriptPdfStatus
from certificates.rendering import store_pdf
from certificates.tasks import render_transcript
from courses import services as course_services
from courses.models import QuizKind
from lms import ratelimit
from tests.courses.conftest import build_course, complete_modules, correct_answers
from tests.factories import ProfileFactory

RENDER_TASK_ID = "render-in-this-test"  # the worker passes its own task id


def mark_ready(certificate, pdf: bytes):
    """Store bytes as the certificate's first rendering and mark it ready through the services,
    as the worker does."""
    certificate_services.certificate_mark_rendering(certificate_id=certificate.pk, generation=1, task_id=RENDER_TASK_ID)
    stored = store_pdf(code=certificate.code, generation=1, pdf=pdf)
    assert certificate_services.certificate_mark_ready(
        certificate_id=certificate.pk,
        generation=1,
        task_id=RENDER_TASK_ID,
        path=stored.path,
        size=stored.size,
        sha256=stored.sha256,
    )
    certificate.refresh_from_db()
    return certificate


def complete_course(user, course):
    """Walk a learner through a course with the real services, up to completion."""
    enrollment = course_services.enrollment_create(user=user, course=course)
    complete_modules(enrollment)
    attempt = course_services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
    course_services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    responses = {
        item.id: ("5" if item.kind == "likert" else "More open questions.") for item in course.evaluation_items.all()
    }
    return course_services.evaluation_submit(enrollment=enrollment, responses=responses)


@pytest.fixture
def physician(db):
    return ProfileFactory(certificate_name="Amara Fenwick-Oduya, MD").user


@pytest.fixture
def completed_enrollment(physician):
    course = build_course(slug="bias-in-feedback")
    return complete_course(physician, course)


def transcript_pdf_ready(user):
    """Ask for the learner's transcript PDF and run the worker's task in this process, for
    tests without a worker; the row comes back ready."""
    transcript = transcript_services.transcript_pdf_request(user=user)
    render_transcript.apply(args=[transcript.pk, transcript.generation], throw=True)
    transcript.refresh_from_db()
    assert transcript.status == TranscriptPdfStatus.READY, transcript.last_error
    return transcript


@pytest.fixture
def rate_limit_clock_mid_minute(monkeypatch):
    """The rate limiter's clock held mid-minute. Its windows are whole minutes: requests that
    straddled the turn of one would start a new window part-way and end under the limit."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
