"""The overview's funnel, credits, learner groups and bias share on a cohort whose every
step was walked through the real services, so the right answers are known."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateStatus
from courses import services as course_services
from courses.models import Enrollment, QuizKind
from tests.courses.conftest import build_course, correct_answers
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

STAGES = ["enrolled", "acknowledged", "one_module", "modules", "passed", "evaluated", "claimed", "certified"]


def _other_health_professional(**fields):
    return ProfileFactory(
        profession="other_hp",
        credentials="RN",
        reporting_consent=False,
        npi="",
        certifying_board="",
        board_id="",
        **fields,
    ).user


def walk(user, course, stage: str, *, bias_answer: str = "5", credits: str = "1.00", issued: datetime | None = None):
    """Take a learner through the course up to `stage`, with the services a learner's clicks call."""
    enrollment = course_services.enrollment_create(user=user, course=course)
    reached = STAGES.index(stage)
    if reached >= 1:
        course_services.disclosures_acknowledge(enrollment=enrollment)
    modules = list(course.modules.order_by("order"))
    for module in modules[: 1 if reached == 2 else len(modules) if reached >= 3 else 0]:
        course_services.module_complete(enrollment=enrollment, module=module)
    if reached >= 4:
        attempt = course_services.attempt_start(enrollment=enrollment, quiz=course.quizzes.get(kind=QuizKind.POST_TEST))
        course_services.attempt_submit(attempt=attempt, answers=correct_answers(attempt))
    if reached >= 5:
        responses = {}
        for item in course.evaluation_items.all():
            if item.kind == "likert":
                responses[item.id] = bias_answer if item.code == "free_of_commercial_bias" else "4"
            else:
                responses[item.id] = "Useful cases."
        course_services.evaluation_submit(enrollment=enrollment, responses=responses)
    if reached >= 6:
        enrollment.refresh_from_db()
        certificate_services.credit_claim_create(
            enrollment=enrollment, user=user, credits=Decimal(credits), attested=True
        )
    if reached >= 7:
        Certificate.objects.filter(enrollment=enrollment).update(
            status=CertificateStatus.READY,
            issued_at=issued or timezone.now(),
            pdf_path="certificates/x.pdf",
            pdf_size=1,
            pdf_sha256="0" * 64,
        )
    return Enrollment.objects.get(pk=enrollment.pk)


@pytest.fixture
def cohort():
    """Course A: one learner stopped at each step. Course B: one finished, one only enrolled."""
    course_a = build_course(slug="course-a", modules=2, bank=3, knowledge_checks=False)
    course_b = build_course(slug="course-b", modules=2, bank=3, knowledge_checks=False)
    bias_answers = {"evaluated": "1", "claimed": "3", "certified": "5"}
    for stage in STAGES:
        institution = " lakeside school of medicine " if stage == "one_module" else "Lakeside School of Medicine"
        if stage in ("enrolled", "acknowledged"):
            user = _other_health_professional(institution=institution)
        else:
            user = ProfileFactory(institution=institution).user
        walk(
            user,
            course_a,
            stage,
            bias_answer=bias_answers.get(stage, "5"),
            credits="1.50",
            issued=timezone.make_aware(datetime(2026, 1, 15, 10)),
        )
    finisher = _other_health_professional(institution="Riverside College")
    walk(
        finisher,
        course_b,
        "certified",
        bias_answer="2",
        credits="1.75",
        issued=timezone.make_aware(datetime(2026, 3, 10, 10)),
    )
    walk(_other_health_professional(institution="Riverside College"), course_b, "enrolled")
    return course_a, course_b


def test_funnel_counts_each_step_per_course_and_across_courses(admin_browser, cohort):
    response = admin_browser.get(reverse("reports:overview"))

    assert response.status_code == 200
    per_course = {funnel.label: funnel.counts for funnel in response.context["funnels"]}
    assert per_course["Course course-a"] == {
        "enrolled": 8,
        "acknowledged": 7,
        "modules_complete": 5,
        "passed": 4,
        "evaluated": 3,
        "claimed": 2,
        "certified": 1,
    }
    assert per_course["Course course-b"] == {
        "enrolled": 2,
        "acknowledged": 1,
        "modules_complete": 1,
        "passed": 1,
        "evaluated": 1,
        "claimed": 1,
        "certified": 1,
    }
    total = response.context["total"]
    assert [step.count for step in total.steps] == [10, 8, 6, 5, 4, 3, 2]
    # Conversion from the step before: 8 of 10 acknowledged, then 6 of 8 finished the modules …
    assert [round(step.conversion, 3) for step in total.steps[1:]] == [0.8, 0.75, 0.833, 0.8, 0.75, 0.667]


def test_overview_draws_each_chart_as_an_image_with_its_table(admin_browser, cohort):
    html = admin_browser.get(reverse("reports:overview")).content.decode()

    for chart in ("funnel-chart", "credits-chart", "profession-chart", "institution-chart"):
        assert f'<svg class="chart" id="{chart}" role="img" aria-labelledby="{chart}-title {chart}-desc"' in html
    assert "<caption>Funnel across all courses</caption>" in html
    assert "<caption>Credits issued per month</caption>" in html
    assert "https://" not in html.split("<main")[1].split("</main>")[0]  # nothing drawn from elsewhere


def test_share_perceiving_bias_counts_disagree_and_strongly_disagree(admin_browser, cohort):
    funnels = {funnel.label: funnel for funnel in admin_browser.get(reverse("reports:overview")).context["funnels"]}

    course_a = funnels["Course course-a"]
    assert (course_a.bias_perceived, course_a.bias_answered) == (1, 3)  # answers 1, 3 and 5
    assert funnels["Course course-b"].bias_share == 1.0  # one answer, a 2


def test_credits_per_month_fill_the_empty_months_between(admin_browser, cohort):
    months = admin_browser.get(reverse("reports:overview")).context["months"]

    assert [(month.month.isoformat(), month.physician_credits, month.participation_credits) for month in months] == [
        ("2026-01-01", Decimal("1.50"), Decimal("0")),
        ("2026-02-01", Decimal("0"), Decimal("0")),
        ("2026-03-01", Decimal("0"), Decimal("1.75")),
    ]


def test_learners_are_counted_once_by_profession_and_by_institution(admin_browser, cohort):
    context = admin_browser.get(reverse("reports:overview")).context

    assert [(group.label, group.learners) for group in context["professions"]] == [
        ("Physician", 6),
        ("Other health professional", 4),
    ]
    assert [(group.label, group.learners) for group in context["institutions"]] == [
        ("Lakeside School of Medicine", 8),
        ("Riverside College", 2),
    ]


def test_date_range_keeps_only_enrollments_begun_in_it(admin_browser, cohort):
    course_a, _ = cohort
    Enrollment.objects.filter(course=course_a, disclosures_acknowledged_at__isnull=True).update(
        enrolled_at=timezone.make_aware(datetime(2020, 5, 1))
    )
    today = timezone.localdate().isoformat()

    response = admin_browser.get(reverse("reports:overview"), {"date_from": "2021-01-01", "date_to": today})

    per_course = {funnel.label: funnel.counts["enrolled"] for funnel in response.context["funnels"]}
    assert per_course == {"Course course-a": 7, "Course course-b": 2}


def test_an_end_date_before_the_start_date_is_refused(admin_browser):
    response = admin_browser.get(reverse("reports:overview"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})

    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
