"""`make run`'s demo cohort program: a cohort under way that each demo account can walk into."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from courses.models import EvaluationKind
from demo.programs import demo_program_ensure, program_accounts_ensure
from demo.services import demo_accounts_ensure
from mentoring.models import MentoringMeeting, MentorPairing
from programs import credit_services
from programs.models import (
    PROGRAM_DIRECTORS_GROUP,
    Application,
    ApplicationStatus,
    Attendance,
    Cohort,
    CurriculumItem,
    Institution,
    LiveSession,
    Participant,
    Program,
)
from projects.models import Milestone, Project, ProjectFeedback, ProjectStatus

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
ACCOUNTS = {
    "director": ("director@docere.local", "docere-director-demo"),
    "facilitator": ("facilitator@docere.local", "docere-facilitator-demo"),
    "mentor": ("mentor@docere.local", "docere-mentor-demo"),
    "learner": ("learner@docere.local", "docere-learner-demo"),
}
PROGRAM_MODELS = (
    Program,
    Institution,
    Cohort,
    Application,
    Participant,
    LiveSession,
    CurriculumItem,
    Attendance,
    MentorPairing,
    MentoringMeeting,
    Project,
    Milestone,
    ProjectFeedback,
)


@pytest.fixture
def seeded(settings, private_media) -> str:
    settings.DEBUG = True  # as under `make run`; the test runner turns DEBUG off
    output = StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def _counts() -> dict:
    counts = {model.__name__: model.objects.count() for model in PROGRAM_MODELS}
    counts["User"] = get_user_model().objects.count()
    return counts


def _cohorts() -> tuple[Cohort, Cohort]:
    current, upcoming = Cohort.objects.filter(program__slug="resident-leadership").order_by("year")
    return current, upcoming


def _signed_in(client, account: str):
    email, password = ACCOUNTS[account]
    client.post(reverse("account_login"), {"login": email, "password": password})
    assert "_auth_user_id" in client.session, f"{email} signs in with the published password"
    return get_user_model().objects.get(email=email)


def test_a_second_run_changes_nothing_and_leaves_an_edited_program_alone(seeded):
    Program.objects.filter(slug="resident-leadership").update(title="Resident Leadership, renamed by a director")
    counts = _counts()

    again = StringIO()
    call_command("seed_demo", stdout=again)

    assert _counts() == counts
    assert Program.objects.get(slug="resident-leadership").title == "Resident Leadership, renamed by a director"
    assert "Loaded demo program: Resident Leadership in Health Equity" in seeded
    assert "Loaded demo program" not in again.getvalue()
    for email, password in list(ACCOUNTS.values())[:3]:
        assert f"{email} / {password}" in seeded


def test_the_current_cohort_runs_now_with_residents_from_four_institutions(seeded):
    program = Program.objects.get(slug="resident-leadership")
    current, upcoming = _cohorts()
    today = timezone.localdate()

    assert program.is_published and program.institutions.count() == 4
    assert current.start_date <= today <= current.end_date and not current.accepts_applications()
    participants = current.participants.select_related("institution", "user")
    assert len(participants) == 8 and current.seats_taken == 8 and current.capacity == 12
    assert {participant.institution.name for participant in participants} == set(
        program.institutions.values_list("name", flat=True)
    )
    assert "learner@docere.local" in {participant.user.email for participant in participants}
    assert current.facilitators.filter(email="facilitator@docere.local").exists()
    assert current.curriculum.filter(course__isnull=False).count() == 2
    assert current.curriculum.filter(live_session__isnull=False).count() == 3


def test_next_years_cohort_is_open_with_applications_waiting_for_the_director(seeded):
    _, upcoming = _cohorts()

    assert upcoming.accepts_applications()
    statuses = sorted(upcoming.applications.values_list("status", flat=True))
    assert statuses == [ApplicationStatus.SUBMITTED] * 3 + [ApplicationStatus.WAITLISTED]
    for application in upcoming.applications.all():
        with application.support_letter.open("rb") as letter:
            assert letter.read(5) == b"%PDF-"


def test_three_sessions_one_past_one_running_today_one_next_month(seeded):
    current, _ = _cohorts()
    now = timezone.now()
    past, today, upcoming = current.live_sessions.order_by("starts_at")

    assert past.ends_at < now and past.is_designated_for_credit
    attended = set(past.attendance.values_list("participant__user__email", flat=True))
    assert len(attended) == 7 and "learner@docere.local" in attended
    assert today.starts_at.astimezone(CHICAGO).date() == now.astimezone(CHICAGO).date()
    assert today.starts_at < now < today.ends_at and today.check_in_is_open(now)
    assert timedelta(days=20) < upcoming.starts_at - now < timedelta(days=40)
    for session in (past, today, upcoming):
        assert session.agenda and (session.location or session.video_url)


def test_a_first_seed_just_after_midnight_in_chicago_still_has_a_session_today_open_for_check_in(private_media):
    just_after_midnight = datetime.combine(timezone.now().astimezone(CHICAGO).date(), time(0, 5), tzinfo=CHICAGO)

    demo_program_ensure(learner=demo_accounts_ensure()["learner"], now=just_after_midnight, **program_accounts_ensure())

    _, today, _ = LiveSession.objects.order_by("starts_at")
    assert today.starts_at.astimezone(CHICAGO).date() == just_after_midnight.date()
    assert today.check_in_is_open(just_after_midnight)


def test_a_later_make_run_moves_the_session_of_today_to_the_new_day_and_tells_calendars(private_media):
    first_day = timezone.now() - timedelta(days=3)
    accounts = {"learner": demo_accounts_ensure()["learner"], **program_accounts_ensure()}
    demo_program_ensure(now=first_day, **accounts)
    _, today, _ = LiveSession.objects.order_by("starts_at")
    assert not today.check_in_is_open()

    demo_program_ensure(**accounts)

    today.refresh_from_db()
    assert today.check_in_is_open() and today.calendar_sequence == 1
    assert LiveSession.objects.count() == 3


def test_the_demo_learner_checks_in_today_and_claims_credit_for_the_past_session(seeded, client):
    learner = _signed_in(client, "learner")
    current, _ = _cohorts()
    past, today, _ = current.live_sessions.order_by("starts_at")

    response = client.post(reverse("live:check_in", args=[today.pk]), {"code": today.check_in_code})
    assert response.status_code == 302
    assert today.attendance.filter(participant__user=learner).exists()

    credit_services.live_credit_disclosures_acknowledge(session=past, user=learner)
    responses = {
        item.id: "5" if item.kind == EvaluationKind.LIKERT else "The panel was useful."
        for item in past.credit_activity.evaluation_items.all()
    }
    credit_services.live_credit_evaluation_submit(session=past, user=learner, responses=responses)
    credit_services.live_credit_claim(session=past, user=learner, credits=Decimal("1.5"), attested=True)
    assert Certificate.objects.get(enrollment__user=learner, enrollment__course=past.credit_activity).credits == 1.5


def test_the_learner_has_a_mentor_and_projects_are_at_every_stage(seeded, client):
    mentor = _signed_in(client, "mentor")
    pairing = MentorPairing.objects.get(mentor=mentor)

    assert pairing.participant.user.email == "learner@docere.local" and pairing.is_current
    assert pairing.meetings.count() == 1
    assert client.get(reverse("mentoring:pairing", args=[pairing.pk])).status_code == 200

    projects = {project.status: project for project in Project.objects.all()}
    assert set(projects) == set(ProjectStatus.values)
    under_way = projects[ProjectStatus.IN_PROGRESS]
    assert under_way.participant.user.email == "learner@docere.local"
    done, upcoming = under_way.milestones.order_by("order")
    assert done.was_on_time and upcoming.completed_on is None and upcoming.due_date > timezone.localdate()
    assert projects[ProjectStatus.COMPLETED].is_showcased
    assert projects[ProjectStatus.REPORT_SUBMITTED].final_report


def test_the_director_and_the_facilitator_sign_in_to_their_roles(seeded, client):
    director = _signed_in(client, "director")
    assert director.is_staff and director.groups.filter(name=PROGRAM_DIRECTORS_GROUP).exists()
    assert not director.is_superuser

    client.logout()
    facilitator = _signed_in(client, "facilitator")
    assert not facilitator.is_staff
    past = LiveSession.objects.filter(cohort__facilitators=facilitator).order_by("starts_at").first()
    response = client.get(reverse("live:attendance", args=[past.pk]))
    assert response.status_code == 200 and "Okonkwo-Reyes" in response.content.decode()
