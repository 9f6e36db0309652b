"""The public showcase and the facilitators' cohort list: what they show, what they leave out,
and the same number of queries for 10 projects as for 100."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Project, ProjectStatus
from tests.programs.factories import ParticipantFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory, ProjectFeedbackFactory

pytestmark = pytest.mark.django_db


def test_the_showcase_lists_only_completed_projects_whose_participants_opted_in(client, cohort, participant):
    shown = ProjectFactory(
        participant=participant,
        completed=True,
        title="Peer mentoring circle",
        is_showcased=True,
        showcase_summary="Twelve interns paired with senior residents in one month.",
    )
    ProjectFeedbackFactory(project=shown, body="Private words from the facilitator.")
    ProjectFactory(participant=ParticipantFactory(cohort=cohort), completed=True, title="Quiet completed project")
    ProjectFactory(participant=ParticipantFactory(cohort=cohort), submitted=True, title="Report under review")

    page = client.get(reverse("projects:showcase")).content.decode()

    assert "Peer mentoring circle" in page
    assert "Twelve interns paired with senior residents in one month." in page
    assert "Amara Okafor" in page
    assert shown.institution.name in page
    assert str(cohort.year) in page
    assert "Quiet completed project" not in page
    assert "Report under review" not in page
    assert "Private words from the facilitator." not in page
    assert "report/download" not in page
    assert participant.user.email not in page
    assert shown.aim not in page


def test_the_database_refuses_to_showcase_a_project_that_is_not_completed(submitted_project):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=submitted_project.pk).update(is_showcased=True)
    with pytest.raises(services.ProjectError, match="once its final report is accepted"):
        services.project_showcase_set(project=submitted_project, is_showcased=True, summary="Early.")


def test_participant_opts_in_and_out_of_the_showcase(client, participant):
    project = ProjectFactory(participant=participant, completed=True, title="Peer mentoring circle")
    client.force_login(participant.user)
    url = reverse("projects:showcase_settings", args=[project.pk])

    refused = client.post(url, {"is_showcased": "on", "showcase_summary": ""})
    assert refused.status_code == 400
    assert "Write a short summary for the showcase." in refused.content.decode()

    client.post(url, {"is_showcased": "on", "showcase_summary": "Twelve interns paired."})
    assert "Peer mentoring circle" in client.get(reverse("projects:showcase")).content.decode()

    client.post(url, {"showcase_summary": "Twelve interns paired."})
    assert "Peer mentoring circle" not in client.get(reverse("projects:showcase")).content.decode()


def test_a_participant_cannot_showcase_a_project_before_it_is_completed(client, submitted_project):
    client.force_login(submitted_project.participant.user)
    response = client.post(
        reverse("projects:showcase_settings", args=[submitted_project.pk]),
        {"is_showcased": "on", "showcase_summary": "Early."},
    )
    assert response.status_code == 404
    submitted_project.refresh_from_db()
    assert not submitted_project.is_showcased


def test_the_cohort_list_groups_projects_by_institution_with_milestones_on_time_late_and_overdue(
    client, facilitator, cohort, participant
):
    project = ProjectFactory(participant=participant, title="Peer mentoring circle")
    today = timezone.localdate()
    MilestoneFactory(project=project, due_in=timedelta(days=-10), completed_on=today - timedelta(days=12))
    MilestoneFactory(project=project, due_in=timedelta(days=-10), completed_on=today - timedelta(days=7))
    MilestoneFactory(project=project, due_in=timedelta(days=-1))
    MilestoneFactory(project=project, due_in=timedelta(days=20))
    without = ParticipantFactory(cohort=cohort)

    client.force_login(facilitator)
    page = client.get(reverse("projects:cohort", args=[cohort.pk])).content.decode()

    assert f'<h2 id="institution-{project.institution.pk}">{project.institution.name}</h2>' in page
    row = page.split("Peer mentoring circle</a>")[1].split("</tr>")[0]
    assert '<td class="num">1 of 4</td>' in row, "one milestone done on time"
    assert '<td class="num">1</td>' in row, "one done late"
    assert "1 overdue" in row
    assert without.display_name in page.split("Participants without a project")[1]


def _fill_cohort(cohort, count: int) -> None:
    institutions = list(cohort.program.institutions.all())
    for index in range(count):
        participant = ParticipantFactory(cohort=cohort, institution=institutions[index % len(institutions)])
        if index % 2:
            project = ProjectFactory(
                participant=participant,
                completed=True,
                is_showcased=True,
                showcase_summary=f"Summary {index}.",
                institution=participant.institution,
            )
        else:
            project = ProjectFactory(participant=participant, institution=participant.institution)
        MilestoneFactory(project=project, due_in=timedelta(days=-3))
        ProjectFeedbackFactory(project=project)


@pytest.mark.parametrize("count", [10, 100])
def test_the_cohort_list_takes_the_same_queries_for_10_and_100_projects(
    client, facilitator, cohort, count, django_assert_max_num_queries
):
    cohort.capacity = 200
    cohort.save()
    _fill_cohort(cohort, count)
    client.force_login(facilitator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("projects:cohort", args=[cohort.pk])).content.decode()
    assert page.count("<tr>") == count + len(set(Project.objects.values_list("institution", flat=True)))


@pytest.mark.parametrize("count", [10, 100])
def test_the_showcase_takes_the_same_queries_for_10_and_100_projects(
    client, cohort, count, django_assert_max_num_queries
):
    cohort.capacity = 200
    cohort.save()
    _fill_cohort(cohort, count)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("projects:showcase")).content.decode()
    assert page.count('<li class="card">') == Project.objects.filter(status=ProjectStatus.COMPLETED).count()
