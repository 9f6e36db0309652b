"""The program reports and the self-identification page in Chromium, on a desktop and on a
390 px phone: every page passes axe-core at WCAG 2.2 AA, fits without scrolling sideways,
and each chart is an image with a name beside its table."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.utils import timezone

from programs.models import Attendance, SelfIdentification
from tests.e2e.conftest import VIEWPORTS, WCAG_22_AA, page_overflow
from tests.programs.factories import CohortFactory, DirectorFactory, LiveSessionFactory, ParticipantFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory


def _page_for(browser, live_server, settings, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=viewport)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return context, context.new_page()


@pytest.fixture
def cohort(transactional_db):
    cohort = CohortFactory()
    institutions = list(cohort.program.institutions.all())
    session = LiveSessionFactory(cohort=cohort, starts_in=timedelta(days=-3))
    for index in range(6):
        participant = ParticipantFactory(cohort=cohort, institution=institutions[index % 2])
        if index % 2:
            Attendance.objects.create(session=session, participant=participant, method="roster")
        SelfIdentification.objects.create(user=participant.user, race_ethnicity="Mexican-American")
        project = ProjectFactory(participant=participant, title="Handoffs", aim="Safer handoffs")
        MilestoneFactory(project=project, order=1, title="Plan", due_date=timezone.localdate())
    return cohort


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_program_report_pages_pass_axe_and_fit_a_phone(browser, live_server, settings, cohort, viewport):
    pages = {
        DirectorFactory(): [
            "/programs/reports/",
            f"/programs/reports/cohorts/{cohort.pk}/",
            f"/programs/reports/cohorts/{cohort.pk}/participants/",
        ],
        cohort.participants.first().user: ["/programs/reports/self-identification/"],
    }
    axe = Axe()
    problems = {}
    for user, paths in pages.items():
        context, page = _page_for(browser, live_server, settings, user, VIEWPORTS[viewport])
        for path in paths:
            assert page.goto(path).status == 200, path
            found = axe.run(page, options=WCAG_22_AA).response["violations"]
            if found:
                problems[path] = [f"{v['id']}: {v['help']} (e.g. {v['nodes'][0]['target']})" for v in found]
            if overflow := page_overflow(page):
                problems[f"{path} overflow"] = overflow
            for chart in page.locator("svg.chart").all():
                assert chart.get_attribute("role") == "img"
        context.close()
    assert not problems, problems
