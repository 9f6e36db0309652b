"""`make run`'s demo data for the reports: the demo learner's completion reaches the funnel
and a PARS file whose validation report is empty."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from demo.services import demo_accounts_ensure, demo_completion_ensure
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


def test_demo_learner_completes_claims_and_is_ready_for_pars(admin_browser):
    course = build_course(slug="demo-course", modules=2, bank=3)
    course.accme_activity_id = "900000001"
    course.save()
    learner = demo_accounts_ensure()["learner"]

    enrollment = demo_completion_ensure(learner=learner, course=course)
    again = demo_completion_ensure(learner=learner, course=course)

    assert enrollment.pk == again.pk
    assert enrollment.completed_at is not None
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    preview = admin_browser.get(reverse("reports:pars"), {"course": course.slug}).context["preview"]
    assert [learner.email for learner in preview.ready] == ["learner@docere.local"]
    assert preview.with_problems == []
