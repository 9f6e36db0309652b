"""Reports and exports are for superusers and staff in "CME administrators": anyone else,
learners and other staff alike, finds nothing there (404), whatever the method."""

import pytest
from django.urls import reverse

from reports.models import ExportLog
from tests.courses.conftest import build_course
from tests.reports.conftest import staff_member

pytestmark = pytest.mark.django_db

GET_PAGES = [
    ("reports:overview", []),
    ("reports:items", ["guarded"]),
    ("reports:evaluation", ["guarded"]),
    ("reports:exports", []),
    ("reports:export_csv", ["enrollments"]),
    ("reports:export_csv", ["completions"]),
    ("reports:export_csv", ["attempts"]),
    ("reports:export_csv", ["evaluations"]),
    ("reports:export_csv", ["certificates"]),
    ("reports:pars", []),
]


@pytest.fixture
def guarded_course():
    course = build_course(slug="guarded", modules=1, bank=1, knowledge_checks=False)
    course.accme_activity_id = "123456789"
    course.save()
    return course


def _visitors(learner):
    return {
        "anonymous visitor": None,
        "learner": learner,
        "course author (staff, other group)": staff_member("author@example.org", "Course authors"),
        "staff in no group": staff_member("helpdesk@example.org"),
        "administrators' group without staff status": staff_member(
            "former@example.org", "CME administrators", is_staff=False
        ),
    }


@pytest.mark.parametrize("name, args", GET_PAGES)
def test_reports_and_exports_are_not_found_for_anyone_but_cme_administrators(
    client, learner, guarded_course, name, args
):
    url = reverse(name, args=args)
    for who, user in _visitors(learner).items():
        client.logout()
        if user:
            client.force_login(user)
        assert client.get(url, {"course": "guarded"}).status_code == 404, who
    assert not ExportLog.objects.exists()


def test_pars_file_cannot_be_posted_by_anyone_but_cme_administrators(client, learner, guarded_course):
    for who, user in _visitors(learner).items():
        client.logout()
        if user:
            client.force_login(user)
        response = client.post(reverse("reports:pars_download"), {"course": "guarded", "file_format": "tab"})
        assert response.status_code == 404, who
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("name, args", GET_PAGES)
def test_cme_administrators_and_superusers_see_every_report(client, administrator, guarded_course, name, args):
    superuser = staff_member("root@example.org", is_superuser=True)
    for user in (administrator, superuser):
        client.force_login(user)
        assert client.get(reverse(name, args=args), {"course": "guarded"}).status_code == 200
