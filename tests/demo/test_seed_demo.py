"""`make run`'s demo content: loaded once, safe to run again, never in production."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.selectors import profile_is_complete_for_credit
from certificates.models import Certificate, CertificateEvent
from courses.models import Course, Enrollment, ModuleProgress, Question
from courses.progress import course_progress_for
from demo.services import DEMO_ADMIN_EMAIL, DEMO_LEARNER_EMAIL
from library.models import Resource

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Course, Question, Enrollment, ModuleProgress, Certificate, CertificateEvent, Resource)
    }


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="never runs with DEBUG off"):
        call_command("seed_demo")


def test_seed_demo_builds_the_demo_once(settings, private_media):
    settings.DEBUG = True  # as under `make run`; the test runner turns DEBUG off
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == counts, "a second run changes nothing"

    output = first.getvalue()
    assert "Demo admin:   admin@docere.local / docere-admin-demo" in output
    # The three demo courses in the catalog, and the demo program's live session for credit (unlisted).
    listed = Course.objects.filter(is_listed=True)
    assert listed.count() == 3 and all(course.is_open() for course in listed)
    User = get_user_model()
    assert User.objects.get(email=DEMO_ADMIN_EMAIL).is_superuser
    learner = User.objects.get(email=DEMO_LEARNER_EMAIL)
    assert profile_is_complete_for_credit(learner).is_complete

    midway = Enrollment.objects.get(user=learner, course__slug="inclusive-clinical-teaching")
    progress = course_progress_for(enrollment=midway)
    assert (progress.modules_completed, len(progress.modules)) == (2, 4)

    completed = Enrollment.objects.get(user=learner, course__slug="leading-equity-projects")
    assert completed.completed_at is not None
    certificate = Certificate.objects.get(enrollment=completed)
    assert certificate.credits == 1.25 and certificate.learner_name == "Maya Okonkwo-Reyes, MD"
    assert counts["Resource"] == 1
    from lti_tool.models import LtiRegistration

    assert LtiRegistration.objects.exists()
