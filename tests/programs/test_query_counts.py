"""Program pages not covered by their own files' query tests: each costs the same number of
queries whether it shows a few rows or many (sessions, programs, applications, milestones)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.programs.factories import (
    ApplicationFactory,
    CohortFactory,
    LiveSessionFactory,
    ParticipantFactory,
)
from tests.projects.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grown_by(count: int, make) -> None:
    for number in range(count):
        make(number)


def test_a_cohorts_home_and_calendar_feed_cost_the_same_for_10_or_100_sessions(client):
    participant = ParticipantFactory()
    client.force_login(participant.user)
    home = f"/programs/cohorts/{participant.cohort_id}/"
    feed = f"/programs/calendar/{participant.calendar_token}.ics"

    grown_by(10, lambda n: LiveSessionFactory(cohort=participant.cohort, starts_in=timedelta(days=n - 5)))
    few = queries_for(client, home), queries_for(client, feed)
    grown_by(90, lambda n: LiveSessionFactory(cohort=participant.cohort, starts_in=timedelta(days=n + 6)))

    assert (queries_for(client, home), queries_for(client, feed)) == few


def test_the_programs_list_costs_the_same_for_3_or_30_programs(client):
    grown_by(3, lambda n: CohortFactory())
    few = queries_for(client, "/programs/")
    grown_by(27, lambda n: CohortFactory())
    assert queries_for(client, "/programs/") == few


def test_my_applications_cost_the_same_for_3_or_30_applications(client, private_media):
    first = ApplicationFactory()
    client.force_login(first.applicant)
    grown_by(2, lambda n: ApplicationFactory(applicant=first.applicant))
    few = queries_for(client, "/programs/applications/")
    grown_by(27, lambda n: ApplicationFactory(applicant=first.applicant))
    assert queries_for(client, "/programs/applications/") == few


def test_a_project_page_costs_the_same_for_10_or_100_milestones(client):
    project = ProjectFactory()
    client.force_login(project.participant.user)
    grown_by(10, lambda n: MilestoneFactory(project=project))
    few = queries_for(client, f"/projects/{project.pk}/")
    grown_by(90, lambda n: MilestoneFactory(project=project))
    assert queries_for(client, f"/projects/{project.pk}/") == few
