"""The report pages and the resource library in Chromium: every page passes axe-core at
WCAG 2.2 AA, and each chart is an image with a name and its table beside it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.test import Client

from library.models import Resource
from tests.courses.conftest import build_course
from tests.reports.builders import bulk_cohort
from tests.reports.conftest import staff_member

WCAG_22_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
PAGES = [
    "/reports/",
    "/reports/courses/browser-course/items/",
    "/reports/courses/browser-course/evaluation/",
    "/reports/exports/",
    "/reports/pars/?course=browser-course",
    "/resources/",
]


@pytest.fixture
def browser_page(browser, live_server, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    course = build_course(slug="browser-course", modules=2, bank=3, knowledge_checks=False)
    course.accme_activity_id = "123456789"
    course.save()
    bulk_cohort(course, 30, prefix="browser")
    resource = Resource(slug="guide", title="A guide", description="For teachers.")
    resource.file.save("guide.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    resource.save()
    client = Client()
    client.force_login(staff_member("office@example.org", "CME administrators"))
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    yield context.new_page()
    context.close()


def test_report_pages_pass_axe_and_draw_named_charts_beside_tables(browser_page):
    axe = Axe()
    violations = {}
    for path in PAGES:
        response = browser_page.goto(path)
        assert response.status == 200, path
        found = axe.run(browser_page, options=WCAG_22_AA).response["violations"]
        if found:
            violations[path] = [f"{v['id']}: {v['help']} (e.g. {v['nodes'][0]['target']})" for v in found]
        for chart in browser_page.locator("svg.chart").all():
            assert chart.get_attribute("role") == "img"
            assert browser_page.locator(f"#{chart.get_attribute('id')}-title").text_content().strip()
    assert not violations, violations
    browser_page.goto("/reports/")
    assert browser_page.get_by_role("img", name="Learner funnel, all courses").is_visible()
    assert browser_page.get_by_role("table", name="Funnel across all courses").is_visible()
