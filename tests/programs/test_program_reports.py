"""Cohort reports for program directors: the figures they read, who else finds nothing,
and the exports, self-identification included only when asked for and then logged."""

import csv
import io
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from programs.models import Attendance, CurriculumItem, ParticipantStatus, SelfIdentification
from reports.models import ExportKind, ExportLog
from tests.courses.factories import CourseFactory
from tests.factories import StaffFactory, UserFactory
from tests.programs.factories import (
    CohortFactory,
    DirectorFactory,
    InstitutionFactory,
    LiveSessionFactory,
    ParticipantFactory,
)
from tests.projects.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# Session, user, groups, second factor, cohort, then the report's own queries; an export adds
# its log row and the row count written after the last line.
PAGE_QUERIES = 11
EXPORT_QUERIES = 12
TABLES = ["retention", "sessions", "participants", "courses", "milestones"]


def _urls(cohort):
    return [
        reverse("program_reports:index"),
        reverse("program_reports:cohort", args=[cohort.pk]),
        reverse("program_reports:participants", args=[cohort.pk]),
        *[reverse("program_reports:export", args=[cohort.pk, slug]) for slug in TABLES],
    ]


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def cohort():
    lakeside, hillcrest = InstitutionFactory(name="Lakeside"), InstitutionFactory(name="Hillcrest")
    cohort = CohortFactory(program__institutions=[lakeside, hillcrest], program__attendance_required_percent=75)
    return cohort


def _participant(cohort, institution_name, first_name, **fields):
    institution = cohort.program.institutions.get(name=institution_name)
    user = UserFactory(first_name=first_name, last_name="Resident")
    return ParticipantFactory(cohort=cohort, institution=institution, user=user, **fields)


@pytest.fixture
def people(cohort):
    now = timezone.now()
    return {
        "ana": _participant(cohort, "Lakeside", "Ana"),
        "ben": _participant(cohort, "Lakeside", "Ben"),
        "cy": _participant(cohort, "Hillcrest", "Cy", status=ParticipantStatus.COMPLETED, completed_at=now),
        "dee": _participant(cohort, "Hillcrest", "Dee", status=ParticipantStatus.WITHDRAWN, withdrawn_at=now),
    }


def test_everyone_but_program_directors_finds_nothing(client, cohort, people):
    facilitator = UserFactory(email="facilitator@example.org")
    cohort.facilitators.add(facilitator)
    visitors = {
        "anonymous": None,
        "participant": people["ana"].user,
        "facilitator": facilitator,
        "CME administrator": StaffFactory(groups=["CME administrators"]),
        "staff in no group": StaffFactory(),
        "directors' group without staff status": DirectorFactory(is_staff=False),
    }
    for url in _urls(cohort):
        for who, user in visitors.items():
            client.logout()
            if user:
                client.force_login(user)
            assert client.get(url).status_code == 404, (who, url)
    assert not ExportLog.objects.exists()


def test_a_director_without_a_second_factor_is_sent_to_enrol_one(client, cohort):
    user = DirectorFactory()
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)
    for url in _urls(cohort):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url
    assert not ExportLog.objects.exists()


def test_directors_and_superusers_see_every_page(client, cohort, people):
    for user in (DirectorFactory(), StaffFactory(is_superuser=True)):
        client.force_login(user)
        for url in _urls(cohort):
            assert client.get(url).status_code == 200, url


def test_the_cohort_list_leads_to_each_cohort(client, director, cohort, people):
    page = client.get(reverse("program_reports:index")).content.decode()
    assert str(cohort) in page and reverse("program_reports:cohort", args=[cohort.pk]) in page


def test_retention_counts_each_institution(client, director, cohort, people):
    rows = _csv(client.get(reverse("program_reports:export", args=[cohort.pk, "retention"])))
    assert rows[0] == ["Institution", "Accepted", "Active", "Withdrawn", "Completed"]
    assert rows[1:] == [
        ["Hillcrest", "2", "0", "1", "1"],
        ["Lakeside", "2", "2", "0", "0"],
        ["All institutions", "4", "2", "1", "1"],
    ]
    page = client.get(reverse("program_reports:cohort", args=[cohort.pk])).content.decode()
    assert 'id="retention-chart"' in page and "<caption>Participants by institution and status</caption>" in page


def test_attendance_per_session_and_participant_flags_those_below_the_requirement(client, director, cohort, people):
    held = [
        LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=-days), title=f"Past {days}")
        for days in (30, 20, 10, 5)
    ]
    LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=10), title="Next month")
    for session in held:
        Attendance.objects.create(session=session, participant=people["ana"], method="roster")
    Attendance.objects.create(session=held[0], participant=people["ben"], method="check_in")
    Attendance.objects.create(session=held[0], participant=people["dee"], method="check_in")

    sessions = _csv(client.get(reverse("program_reports:export", args=[cohort.pk, "sessions"])))
    assert [row[0] for row in sessions[1:]] == ["Past 30", "Past 20", "Past 10", "Past 5"]
    # Ana, Ben and Cy are still in the cohort; Dee withdrew and counts nowhere.
    assert sessions[1][2:] == ["2", "3", "67"]
    assert sessions[2][2:] == ["1", "3", "33"]

    participants = _csv(client.get(reverse("program_reports:export", args=[cohort.pk, "participants"])))
    by_name = {row[0]: row for row in participants[1:]}
    assert by_name["Ana Resident"][4:] == ["4", "4", "100", "no"]
    assert by_name["Ben Resident"][4:] == ["1", "4", "25", "yes"]

    page = client.get(reverse("program_reports:cohort", args=[cohort.pk])).content.decode()
    assert "Below 75 %" in page and 'id="sessions-chart"' in page


def test_course_completion_counts_participants_enrollments_per_institution(client, director, cohort, people):
    course = CourseFactory(title="Leading teams", bank=0)
    CurriculumItem.objects.create(cohort=cohort, position=1, course=course)
    now = timezone.now()
    for name in ("ana", "cy"):
        Enrollment.objects.create(
            user=people[name].user,
            course=course,
            post_test_passed_at=now,
            evaluation_submitted_at=now,
            completed_at=now,
        )
    Enrollment.objects.create(user=people["ben"].user, course=course)
    Enrollment.objects.create(
        user=UserFactory(), course=course, post_test_passed_at=now, evaluation_submitted_at=now, completed_at=now
    )

    rows = _csv(client.get(reverse("program_reports:export", args=[cohort.pk, "courses"])))
    assert sorted(rows[1:]) == [
        ["Leading teams", "All institutions", "2", "3", "67"],
        ["Leading teams", "Hillcrest", "1", "1", "100"],
        ["Leading teams", "Lakeside", "1", "2", "50"],
    ]


def test_milestones_on_time_and_overdue_by_institution(client, director, cohort, people):
    today = timezone.localdate()
    for name in ("ana", "cy"):
        participant = people[name]
        project = ProjectFactory(participant=participant, title=f"{name} project", aim="Better handoffs")
        MilestoneFactory(
            project=project,
            order=1,
            title="Plan",
            due_date=today - timedelta(days=20),
            completed_on=today - timedelta(days=21),
        )
        MilestoneFactory(
            project=project,
            order=2,
            title="Pilot",
            due_date=today - timedelta(days=10),
            completed_on=today - timedelta(days=5),
        )
        MilestoneFactory(project=project, order=3, title="Survey", due_date=today - timedelta(days=1))
        MilestoneFactory(project=project, order=4, title="Report", due_date=today + timedelta(days=30))

    rows = _csv(client.get(reverse("program_reports:export", args=[cohort.pk, "milestones"])))
    assert rows[1:] == [
        ["Hillcrest", "2", "1", "50", "1"],
        ["Lakeside", "2", "1", "50", "1"],
        ["All institutions", "4", "2", "50", "2"],
    ]


def test_the_participant_export_leaves_self_identification_out_by_default(client, director, cohort, people):
    SelfIdentification.objects.create(user=people["ana"].user, race_ethnicity="Filipina", gender_identity="Woman")
    response = client.get(reverse("program_reports:export", args=[cohort.pk, "participants"]))
    rows = _csv(response)
    assert "Race and ethnicity" not in rows[0] and "Gender identity" not in rows[0]
    assert not any("Filipina" in cell or "Woman" in cell for row in rows for cell in row)
    log = ExportLog.objects.get()
    assert log.kind == ExportKind.PROGRAM_REPORT and log.row_count == 4
    assert log.options == {"cohort_id": cohort.pk, "table": "participants", "include_self_identification": False}


def test_a_director_may_include_self_identification_and_the_log_says_so(client, director, cohort, people):
    SelfIdentification.objects.create(
        user=people["ana"].user,
        underrepresented_in_medicine="yes",
        race_ethnicity="Filipina",
        first_generation_physician=True,
    )
    url = reverse("program_reports:export", args=[cohort.pk, "participants"])
    rows = _csv(client.get(url, {"include_self_identification": "on"}))
    assert rows[0][-4:] == [
        "Underrepresented in medicine",
        "Race and ethnicity",
        "Gender identity",
        "First-generation physician",
    ]
    ana = next(row for row in rows if row[0] == "Ana Resident")
    assert ana[-4:] == ["Yes", "Filipina", "", "yes"]
    ben = next(row for row in rows if row[0] == "Ben Resident")
    assert ben[-4:] == ["", "", "", ""]
    log = ExportLog.objects.get()
    assert log.options["include_self_identification"] is True and log.user_email and log.finished_at


def test_the_checkbox_is_off_by_default_and_says_it_is_sensitive(client, director, cohort, people):
    page = client.get(reverse("program_reports:cohort", args=[cohort.pk])).content.decode()
    assert "include self-identification (sensitive)" in page
    assert 'name="include_self_identification"' in page and "checked" not in page


def test_other_tables_never_carry_self_identification(client, director, cohort, people):
    SelfIdentification.objects.create(user=people["ana"].user, race_ethnicity="Filipina")
    for slug in ("retention", "sessions", "courses", "milestones"):
        response = client.get(
            reverse("program_reports:export", args=[cohort.pk, slug]), {"include_self_identification": "on"}
        )
        assert "Filipina" not in b"".join(response.streaming_content).decode()
    assert not ExportLog.objects.filter(options__include_self_identification=True).exists()


def test_cells_a_spreadsheet_would_run_are_disarmed(client, director, cohort):
    institution = cohort.program.institutions.get(name="Lakeside")
    user = UserFactory(first_name='=HYPERLINK("http://evil.example")', last_name="")
    participant = ParticipantFactory(cohort=cohort, institution=institution, user=user)
    SelfIdentification.objects.create(user=participant.user, race_ethnicity="@SUM(A1)")
    rows = _csv(
        client.get(
            reverse("program_reports:export", args=[cohort.pk, "participants"]), {"include_self_identification": "on"}
        )
    )
    assert rows[1][0].startswith("'=HYPERLINK") and rows[1][-3] == "'@SUM(A1)"


def test_an_unknown_export_or_cohort_is_not_found(client, director, cohort):
    assert client.get(reverse("program_reports:export", args=[cohort.pk, "everything"])).status_code == 404
    assert client.get(reverse("program_reports:cohort", args=[cohort.pk + 999])).status_code == 404
    assert not ExportLog.objects.exists()


def _populate(cohort, size):
    sessions = [LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=-days)) for days in (3, 2, 1)]
    course = CourseFactory(bank=0, modules=0)
    CurriculumItem.objects.create(cohort=cohort, position=1, course=course)
    institutions = list(cohort.program.institutions.all())
    today = timezone.localdate()
    for index in range(size):
        participant = ParticipantFactory(cohort=cohort, institution=institutions[index % 2])
        Attendance.objects.create(session=sessions[index % 3], participant=participant, method="roster")
        SelfIdentification.objects.create(user=participant.user, race_ethnicity="Latina")
        Enrollment.objects.create(user=participant.user, course=course)
        project = ProjectFactory(participant=participant)
        MilestoneFactory(project=project, order=1, title="Plan", due_date=today)


@pytest.mark.parametrize("size", [10, 100])
def test_report_pages_and_exports_run_the_same_queries_at_any_size(
    client, director, cohort, django_assert_max_num_queries, size
):
    cohort.capacity = 200
    cohort.save()
    _populate(cohort, size)
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(reverse("program_reports:cohort", args=[cohort.pk])).status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(reverse("program_reports:participants", args=[cohort.pk])).status_code == 200
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(
            reverse("program_reports:export", args=[cohort.pk, "participants"]), {"include_self_identification": "on"}
        )
        assert len(_csv(response)) == size + 1
