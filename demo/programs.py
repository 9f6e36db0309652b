"""Demo cohort program: a resident leadership program with four fictional institutions, a
cohort under way (participants, live sessions past, today and next month, a mentor, projects
at every stage) and next year's cohort open for applications.

Everything a person would click is done through the same services the pages call, with the
moment of the click passed as `now` where it lay in the past. An existing program is left
alone: it may have been edited, or have real activity in it."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from courses.models import Course
from demo.program_content import (
    APPLICANTS,
    COHORT,
    DEMO_PDF,
    DESCRIPTION,
    ELIGIBILITY,
    INSTITUTIONS,
    LEARNER,
    NEXT_AGENDA,
    PAST_AGENDA,
    PROJECTS,
    STATEMENT,
    TODAY_AGENDA,
    Resident,
)
from demo.services import user_with_verified_email
from mentoring import services as mentoring_services
from programs import credit_services, live_services
from programs import services as program_services
from programs.credit_services import LiveFaculty
from programs.models import (
    PROGRAM_DIRECTORS_GROUP,
    Cohort,
    CurriculumItem,
    Institution,
    LiveSession,
    Participant,
    Program,
)
from projects import services as project_services

# Published with the other demo passwords (README, `make run`); seed_demo runs only with DEBUG on.
DEMO_DIRECTOR_EMAIL = "director@docere.local"
DEMO_DIRECTOR_PASSWORD = "docere-director-demo"  # noqa: S105 — demo only; seed_demo refuses to run with DEBUG off
DEMO_FACILITATOR_EMAIL = "facilitator@docere.local"
DEMO_FACILITATOR_PASSWORD = "docere-facilitator-demo"  # noqa: S105 — demo only
DEMO_MENTOR_EMAIL = "mentor@docere.local"
DEMO_MENTOR_PASSWORD = "docere-mentor-demo"  # noqa: S105 — demo only

DEMO_PROGRAM_SLUG = "resident-leadership"
DEMO_ZONE = ZoneInfo("America/Chicago")
TODAY_SESSION_TITLE = "Moving a project through your institution"
DEMO_CURRICULUM_COURSES = ("inclusive-clinical-teaching", "leading-equity-projects")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def program_accounts_ensure() -> dict:
    """The program director, the facilitator and the mentor. Idempotent."""
    with transaction.atomic():
        director = user_with_verified_email(
            email=DEMO_DIRECTOR_EMAIL,
            password=DEMO_DIRECTOR_PASSWORD,
            is_staff=True,
            first_name="Renée",
            last_name="Castillo-Brooks",
        )
        directors, _ = Group.objects.get_or_create(name=PROGRAM_DIRECTORS_GROUP)
        director.groups.add(directors)
        facilitator = user_with_verified_email(
            email=DEMO_FACILITATOR_EMAIL, password=DEMO_FACILITATOR_PASSWORD, first_name="Marcus", last_name="Adeyemi"
        )
        mentor = user_with_verified_email(
            email=DEMO_MENTOR_EMAIL, password=DEMO_MENTOR_PASSWORD, first_name="Yolanda", last_name="Whitfield"
        )
    return {"director": director, "facilitator": facilitator, "mentor": mentor}


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEMO_ZONE)


def demo_program_ensure(*, learner, director, facilitator, mentor, now: datetime | None = None) -> Program | None:
    """Build the demo program, or return None when it is already there (left as it is)."""
    now = now or timezone.now()
    if Program.objects.filter(slug=DEMO_PROGRAM_SLUG).exists():
        demo_session_keep_today(now=now)
        return None
    # One transaction: a program half built would be "already there" on the next run.
    with transaction.atomic():
        program = _program_create()
        institutions = {institution.short_name: institution for institution in program.institutions.all()}
        current, upcoming = _cohorts_create(program, now=now)
        current.facilitators.add(facilitator)
        participants = _cohort_fill(current, learner=learner, institutions=institutions, director=director)
        sessions = _curriculum_create(current, now=now)
        _sessions_run(sessions, participants=participants, facilitator=facilitator, director=director, now=now)
        _mentoring_start(participants[LEARNER.last_name], mentor=mentor, director=director, now=now)
        _projects_start(participants, facilitator=facilitator, now=now)
        _applications_queue(upcoming, institutions=institutions, director=director)
    return program


def _program_create() -> Program:
    program = Program.objects.create(
        slug=DEMO_PROGRAM_SLUG,
        title="Resident Leadership in Health Equity",
        summary=(
            "A year-long leadership program for residents from backgrounds underrepresented in "
            "medicine: courses, live sessions, a mentor and a project at your home institution."
        ),
        description=DESCRIPTION,
        eligibility=ELIGIBILITY,
        is_published=True,
    )
    for name, short_name in INSTITUTIONS:
        institution, _ = Institution.objects.get_or_create(name=name, defaults={"short_name": short_name})
        program.institutions.add(institution)
    return program


def _cohorts_create(program: Program, *, now: datetime) -> tuple[Cohort, Cohort]:
    """This academic year's cohort (July to June, under way, applications closed) and next
    year's, open for applications now."""
    today = now.astimezone(DEMO_ZONE).date()
    year = today.year if today.month >= 7 else today.year - 1
    current = Cohort.objects.create(
        program=program,
        year=year,
        start_date=date(year, 7, 1),
        end_date=date(year + 1, 6, 30),
        applications_open_at=_local(date(year, 1, 15), 9),
        applications_close_at=_local(date(year, 4, 30), 17),
        capacity=12,
    )
    closes = max(_local(date(year + 1, 4, 30), 17), now + timedelta(days=30))
    upcoming = Cohort.objects.create(
        program=program,
        year=year + 1,
        start_date=date(year + 1, 7, 1),
        end_date=date(year + 2, 6, 30),
        applications_open_at=now - timedelta(days=30),
        applications_close_at=closes,
        capacity=12,
    )
    return current, upcoming


def _resident_user(resident: Resident):
    # No password: these residents are people to see in the pages, not accounts to sign in with.
    return user_with_verified_email(
        email=resident.email, password=None, first_name=resident.first_name, last_name=resident.last_name
    )


def _apply(cohort: Cohort, *, user, resident: Resident, institutions: dict, now: datetime | None = None):
    return program_services.application_submit(
        cohort=cohort,
        applicant=user,
        institution=institutions[resident.institution],
        residency_program=resident.residency_program,
        training_year=resident.training_year,
        statement=STATEMENT,
        support_letter=_pdf("letter-of-support.pdf"),
        now=now,
    )


def _cohort_fill(cohort: Cohort, *, learner, institutions: dict, director) -> dict[str, Participant]:
    """The residents applied while applications were open, and the director accepted them
    a week after they closed."""
    decided_at = cohort.applications_close_at + timedelta(days=7)
    participants = {}
    for number, resident in enumerate((LEARNER, *COHORT), start=1):
        user = learner if resident is LEARNER else _resident_user(resident)
        application = _apply(
            cohort,
            user=user,
            resident=resident,
            institutions=institutions,
            now=cohort.applications_open_at + timedelta(days=number),
        )
        application = program_services.application_accept(application=application, director=director, now=decided_at)
        participants[resident.last_name] = application.participant
    return participants


def _today_starts(now: datetime) -> datetime:
    """An hour ago, on a quarter hour, and today in Chicago even just after midnight."""
    local_now = now.astimezone(DEMO_ZONE)
    quarter_hour = local_now.replace(minute=local_now.minute // 15 * 15, second=0, microsecond=0)
    return max(quarter_hour - timedelta(hours=1), _local(local_now.date(), 0))


def demo_session_keep_today(*, now: datetime) -> None:
    """The demo's session "today" is moved to today on a later `make run`, so check-in can
    always be tried; through the service, so calendars see the move (SEQUENCE goes up)."""
    session = LiveSession.objects.filter(cohort__program__slug=DEMO_PROGRAM_SLUG, title=TODAY_SESSION_TITLE).first()
    if session is None or session.check_in_is_open(now):
        return
    starts_at = _today_starts(now)
    live_services.live_session_reschedule(
        session=session,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=4),
        location=session.location,
        video_url=session.video_url,
    )


def _curriculum_create(cohort: Cohort, *, now: datetime) -> dict[str, LiveSession]:
    """Two Docere courses and three sessions: three weeks ago, running now, and next month."""
    local_now = now.astimezone(DEMO_ZONE)
    # Started an hour ago and running for hours: check-in is open whenever `make run` seeds.
    today_starts = _today_starts(now)
    past_day, next_day = local_now.date() - timedelta(days=21), local_now.date() + timedelta(days=30)
    sessions = {
        "past": _session(
            cohort,
            title="Leading change as a resident",
            starts_at=_local(past_day, 16),
            ends_at=_local(past_day, 17, 30),
            location="Lakeshore University, Health Sciences Library, room 204",
            video_url="",
            agenda=PAST_AGENDA,
        ),
        "today": _session(
            cohort,
            title=TODAY_SESSION_TITLE,
            starts_at=today_starts,
            ends_at=today_starts + timedelta(hours=4),
            location="Riverside University, Clinical Education Center, room 3B",
            video_url="https://meet.docere.local/resident-leadership",
            agenda=TODAY_AGENDA,
        ),
        "next": _session(
            cohort,
            title="Measuring what changed",
            starts_at=_local(next_day, 16),
            ends_at=_local(next_day, 17, 30),
            location="",
            video_url="https://meet.docere.local/resident-leadership",
            agenda=NEXT_AGENDA,
        ),
    }
    courses = {course.slug: course for course in Course.objects.filter(slug__in=DEMO_CURRICULUM_COURSES)}
    steps = [
        ("course", courses.get(DEMO_CURRICULUM_COURSES[0]), local_now.date() + timedelta(days=14)),
        ("session", sessions["past"], None),
        ("session", sessions["today"], None),
        ("course", courses.get(DEMO_CURRICULUM_COURSES[1]), next_day),
        ("session", sessions["next"], None),
    ]
    position = 0
    for kind, item, due_date in steps:
        if item is None:  # a demo course that was removed: the curriculum goes on without it
            continue
        position += 1
        if kind == "course":
            CurriculumItem.objects.create(cohort=cohort, position=position, course=item, due_date=due_date)
        else:
            CurriculumItem.objects.create(cohort=cohort, position=position, live_session=item)
    return sessions


def _session(cohort: Cohort, **fields) -> LiveSession:
    session = LiveSession(cohort=cohort, time_zone=str(DEMO_ZONE), **fields)
    session.full_clean(exclude=["credit_activity"])
    return live_services.live_session_save(session=session, changed_fields=fields)


def _sessions_run(sessions: dict, *, participants: dict, facilitator, director, now: datetime) -> None:
    """The facilitator took the roster at the past session (one resident was on call), and the
    director designated it for credit, so the demo learner can evaluate it and claim credit.
    At today's session one resident has checked in already; the learner has not yet."""
    past = sessions["past"]
    for last_name, participant in participants.items():
        if last_name != COHORT[0].last_name:
            live_services.attendance_mark(
                session=past,
                participant=participant,
                present=True,
                by=facilitator,
                now=past.starts_at + timedelta(minutes=5),
            )
    credit_services.live_session_designate_for_credit(
        session=past,
        credits_max=Decimal("1.5"),
        faculty=[
            LiveFaculty(name="Marcus Adeyemi", degrees="MD, MEd"),
            LiveFaculty(name="Renée Castillo-Brooks", degrees="MD, MPH"),
        ],
        by=director,
    )
    today = sessions["today"]
    live_services.check_in_record(
        session=today, participant=participants[COHORT[1].last_name], code=today.check_in_code, now=now
    )


def _mentoring_start(participant: Participant, *, mentor, director, now: datetime) -> None:
    pairing = mentoring_services.mentor_pairing_create(participant=participant, mentor=mentor, paired_by=director)
    mentoring_services.mentoring_meeting_log(
        pairing=pairing,
        logged_by=mentor,
        met_on=timezone.localdate(now) - timedelta(days=10),
        duration_minutes=45,
        notes="Talked through the project's first month and who on the residency committee to ask for support.",
    )


def _projects_start(participants: dict, *, facilitator, now: datetime) -> None:
    """One project at each stage: the learner's under way, one completed and showcased, one
    final report waiting for the facilitator, one proposal not yet reviewed."""
    today = timezone.localdate(now)
    projects = {}
    for last_name, (title, aim) in PROJECTS.items():
        participant = participants[last_name]
        projects[last_name] = project_services.project_propose(
            participant=participant, title=title, aim=aim, institution=participant.institution, team=""
        )
    for last_name in (LEARNER.last_name, "Begay", "Carrillo Vega"):
        project_services.project_feedback_give(
            project=projects[last_name],
            author=facilitator,
            body="A clear aim with a measure you can collect. Start with one pilot group and widen it later.",
        )
    learners = projects[LEARNER.last_name]
    done = project_services.milestone_add(
        project=learners, title="Survey first-year residents", due_date=today - timedelta(days=14)
    )
    project_services.milestone_mark_done(milestone=done, completed_on=today - timedelta(days=17))
    project_services.milestone_add(
        project=learners, title="First mentoring circle meets", due_date=today + timedelta(days=21)
    )

    for last_name in ("Begay", "Carrillo Vega"):
        project_services.final_report_submit(project=projects[last_name], upload=_pdf("final-report.pdf"))
    showcased = project_services.project_accept(
        project=projects["Begay"], author=facilitator, body="A change the clinic will keep. Congratulations."
    )
    project_services.project_showcase_set(
        project=showcased,
        is_showcased=True,
        summary="Interpreter requests now go out with the clinic schedule, so no patient consents through a relative.",
    )


def _applications_queue(cohort: Cohort, *, institutions: dict, director) -> None:
    """Next year's applications waiting for the director; one is waitlisted."""
    applications = [
        _apply(cohort, user=_resident_user(resident), resident=resident, institutions=institutions)
        for resident in APPLICANTS
    ]
    program_services.application_waitlist(
        application=applications[-1], director=director, note="Strong statement; waiting for the second letter."
    )
