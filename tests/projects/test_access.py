"""Who reaches which project page: the participant their own, the cohort's facilitators and
directors every project of the cohort, everyone else a 404 (or the sign-in page)."""

import pytest
from django.urls import reverse

from projects.models import ProjectFeedback, ProjectStatus
from tests.programs.factories import DirectorFactory, ParticipantFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

OWNER, RUNNER = "owner", "runner"


def _pages(project, milestone):
    """(name, method, url, data, who may use it)."""
    cohort_id = project.participant.cohort_id
    return [
        ("detail", "get", reverse("projects:detail", args=[project.pk]), None, {OWNER, RUNNER}),
        ("edit", "get", reverse("projects:edit", args=[project.pk]), None, {OWNER}),
        ("milestone add", "get", reverse("projects:milestone_add", args=[project.pk]), None, {OWNER}),
        (
            "milestone edit",
            "get",
            reverse("projects:milestone_edit", args=[project.pk, milestone.pk]),
            None,
            {OWNER},
        ),
        (
            "milestone done",
            "post",
            reverse("projects:milestone_done", args=[project.pk, milestone.pk]),
            {"completed_on": ""},
            {OWNER},
        ),
        ("report upload", "get", reverse("projects:report_upload", args=[project.pk]), None, {OWNER}),
        ("report download", "get", reverse("projects:report_download", args=[project.pk]), None, {OWNER, RUNNER}),
        (
            "review",
            "post",
            reverse("projects:review", args=[project.pk]),
            {"action": "feedback", "body": "Looks good."},
            {RUNNER},
        ),
        ("cohort projects", "get", reverse("projects:cohort", args=[cohort_id]), None, {RUNNER}),
        ("new", "get", reverse("projects:new") + f"?cohort={cohort_id}", None, {OWNER}),
    ]


@pytest.fixture
def pages(submitted_project):
    return _pages(submitted_project, MilestoneFactory(project=submitted_project))


def _call(client, method, url, data):
    return client.post(url, data) if method == "post" else client.get(url)


def _assert_served(response, method, name, project):
    if method == "get":
        assert response.status_code == 200, name
    else:
        assert response.status_code == 302, name
        assert response["Location"] == project.get_absolute_url(), name


def test_anonymous_visitors_are_sent_to_sign_in_on_every_project_page(client, pages):
    for name, method, url, data, _ in pages:
        response = _call(client, method, url, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


def test_the_participant_reaches_their_own_pages_and_not_the_facilitators(client, submitted_project, pages):
    client.force_login(submitted_project.participant.user)
    for name, method, url, data, allowed in pages:
        response = _call(client, method, url, data)
        if OWNER in allowed:
            _assert_served(response, method, name, submitted_project)
        else:
            assert response.status_code == 404, name


@pytest.mark.parametrize("runner", ["facilitator", "director"])
def test_the_cohorts_facilitator_and_directors_review_but_do_not_edit(
    client, request, submitted_project, pages, runner
):
    client.force_login(request.getfixturevalue(runner))
    for name, method, url, data, allowed in pages:
        response = _call(client, method, url, data)
        if RUNNER in allowed:
            _assert_served(response, method, name, submitted_project)
        else:
            assert response.status_code == 404, name


def test_everyone_else_gets_404_on_every_page_and_changes_nothing(client, submitted_project, pages, outsiders):
    for who, user in outsiders.items():
        client.force_login(user)
        for name, method, url, data, _ in pages:
            if name == "new" and who == "participant of the same cohort":
                continue  # their own proposal page, for their own project
            assert _call(client, method, url, data).status_code == 404, f"{who}: {name}"
    submitted_project.refresh_from_db()
    assert submitted_project.status == ProjectStatus.REPORT_SUBMITTED
    assert not ProjectFeedback.objects.exists()
    assert submitted_project.milestones.get().completed_on is None


def test_a_participant_of_the_same_cohort_sees_only_their_own_project_on_the_new_page(
    client, cohort, submitted_project
):
    neighbour = ProjectFactory(participant=ParticipantFactory(cohort=cohort), title="Night-float handover")
    client.force_login(neighbour.participant.user)
    page = client.get(reverse("projects:new") + f"?cohort={cohort.pk}").content.decode()
    assert "Night-float handover" in page
    assert submitted_project.title not in page


def test_showcase_settings_belong_to_the_participant_of_a_completed_project(client, participant, facilitator):
    project = ProjectFactory(participant=participant, completed=True)
    url = reverse("projects:showcase_settings", args=[project.pk])
    data = {"is_showcased": "on", "showcase_summary": "Twelve interns paired in a month."}
    client.force_login(facilitator)
    assert client.post(url, data).status_code == 404
    client.force_login(participant.user)
    assert client.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.is_showcased


def test_the_showcase_is_public(client):
    assert client.get(reverse("projects:showcase")).status_code == 200


def test_a_director_without_a_second_factor_is_asked_to_enrol_one(client, submitted_project):
    client.force_login(DirectorFactory(totp=False))
    response = client.get(reverse("projects:cohort", args=[submitted_project.participant.cohort_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_unknown_ids_are_404(client, participant):
    client.force_login(participant.user)
    assert client.get(reverse("projects:detail", args=[999999])).status_code == 404
    assert client.get(reverse("projects:new") + "?cohort=abc").status_code == 404
    assert client.get(reverse("projects:new")).status_code == 404


def test_the_projects_page_leads_each_person_to_what_is_theirs(client, participant, facilitator, outsiders):
    client.force_login(participant.user)
    page = client.get(reverse("projects:home")).content.decode()
    assert f"{reverse('projects:new')}?cohort={participant.cohort_id}" in page
    assert "Cohorts you review" not in page

    ProjectFactory(participant=participant, title="Peer mentoring circle")
    assert "Peer mentoring circle" in client.get(reverse("projects:home")).content.decode()

    client.force_login(facilitator)
    page = client.get(reverse("projects:home")).content.decode()
    assert reverse("projects:cohort", args=[participant.cohort_id]) in page
    assert "Peer mentoring circle" not in page

    client.force_login(outsiders["mentor"])
    page = client.get(reverse("projects:home")).content.decode()
    assert "You are not taking part in one." in page
    assert reverse("projects:cohort", args=[participant.cohort_id]) not in page

    client.logout()
    assert client.get(reverse("projects:home"))["Location"].startswith(reverse("account_login"))
