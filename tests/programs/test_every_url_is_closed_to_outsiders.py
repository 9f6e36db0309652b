"""Every page of the cohort programs, read or posted by someone outside the cohort, is a 404
and changes nothing: walked over the URL configuration itself, so a page added later is
checked without anyone remembering to."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mentoring.models import MentoringMeeting, MentorPairing
from programs import credit_services
from programs.credit_services import LiveFaculty
from programs.models import Application, Attendance, Cohort, LiveSession, Participant
from projects.models import Project
from tests.factories import UserFactory
from tests.mentoring.factories import MentoringMeetingFactory, MentorPairingFactory
from tests.programs.factories import (
    ApplicationFactory,
    CohortFactory,
    DirectorFactory,
    LiveSessionFactory,
    ParticipantFactory,
)
from tests.projects.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NAMESPACES = {"programs", "live", "live_credit", "program_completion", "program_reports", "mentoring", "projects"}
# Pages for anyone, or for any signed-in person about their own (here empty) records.
OPEN_TO_EVERYONE = {
    "programs:list",
    "programs:detail",
    "programs:apply",
    "programs:mine",
    "programs:my_applications",
    "projects:showcase",
    "projects:home",
    "mentoring:home",
}
# A participant's own records, whatever their cohort: their calendar, their self-identification.
A_PARTICIPANTS_OWN = {
    "live:calendar",
    "program_reports:self_identification",
    "program_reports:self_identification_withdraw",
}
# The feed's secret is its only key: whoever has the address has the calendar.
KEYED_BY_SECRET = {"live:calendar_feed"}
WATCHED_MODELS = (Application, Participant, Cohort, LiveSession, Attendance, MentorPairing, MentoringMeeting, Project)


def _routes(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and namespace in NAMESPACES:
            yield f"{namespace}:{pattern.name}", list(pattern.pattern.converters)


def program_routes() -> list[tuple[str, list[str]]]:
    return sorted(set((name, tuple(params)) for name, params in _routes(get_resolver().url_patterns)))


@pytest.fixture
def cohort_world(private_media):
    """One cohort with something behind every URL parameter."""
    cohort = CohortFactory()
    participant = ParticipantFactory(cohort=cohort)
    session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(hours=-3))
    credit_services.live_session_designate_for_credit(
        session=session, credits_max=Decimal("1.5"), faculty=[LiveFaculty(name="Ada Presenter")], by=DirectorFactory()
    )
    Attendance.objects.create(session=session, participant=participant, method="roster")
    pairing = MentorPairingFactory(participant=participant)
    project = ProjectFactory(participant=participant)
    return {
        "cohort_id": cohort.pk,
        "session_id": session.pk,
        "participant_id": participant.pk,
        "application_id": ApplicationFactory(cohort=cohort).pk,
        "pairing_id": pairing.pk,
        "meeting_id": MentoringMeetingFactory(pairing=pairing).pk,
        "project_id": project.pk,
        "milestone_id": MilestoneFactory(project=project).pk,
        "slug": cohort.program.slug,
        "year": cohort.year,
        "token": participant.calendar_token,
    }


def _snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED_MODELS}


def test_the_walk_finds_every_part_of_the_programs():
    names = {name for name, _ in program_routes()}
    assert len(names) >= 55
    assert {name.split(":")[0] for name in names} == NAMESPACES


@pytest.mark.parametrize("outsider", ["learner", "participant of another cohort", "facilitator of another cohort"])
def test_every_program_page_is_a_404_for_someone_outside_the_cohort(client, cohort_world, outsider):
    if outsider == "learner":
        person = UserFactory()
    elif outsider == "participant of another cohort":
        person = ParticipantFactory().user
    else:
        person = UserFactory()
        CohortFactory(facilitators=[person])
    client.force_login(person)
    not_theirs_to_see = {name for name, _ in program_routes()} - OPEN_TO_EVERYONE - KEYED_BY_SECRET
    if outsider == "participant of another cohort":
        not_theirs_to_see -= A_PARTICIPANTS_OWN
    before = _snapshot()
    leaks = []
    for name, params in program_routes():
        if name not in not_theirs_to_see:
            continue
        url = reverse(name, kwargs={param: cohort_world[param] for param in params})
        statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
        # A view that takes only one method may answer the other 405 before looking; it must
        # never answer anything but 404 to the method it takes.
        if set(statuses.values()) - {404, 405} or 404 not in statuses.values():
            leaks.append(f"{name} {url}: {statuses}")
    assert not leaks, "pages open to someone outside the cohort:\n" + "\n".join(leaks)
    assert _snapshot() == before
