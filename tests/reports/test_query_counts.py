"""Report pages cost the same number of queries for 10 learners as for 1,000: every number
is counted by the database, never by a loop over learners in Python."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.courses.conftest import build_course
from tests.reports.builders import bulk_cohort

pytestmark = pytest.mark.django_db

PAGES = ["reports:overview", "reports:items", "reports:evaluation", "reports:pars"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _url(page, course) -> str:
    if page == "reports:overview":
        return reverse(page)
    if page == "reports:pars":
        return reverse(page) + f"?course={course.slug}"
    return reverse(page, args=[course.slug])


@pytest.mark.parametrize("page", PAGES)
def test_report_pages_make_the_same_queries_for_10_and_1000_learners(admin_browser, page):
    course = build_course(slug="cohort", modules=2, knowledge_checks=False)
    course.accme_activity_id = "123456789"
    course.save()
    bulk_cohort(course, 10, prefix="first")
    with_10 = _queries(admin_browser, _url(page, course))
    bulk_cohort(course, 990, prefix="more")
    with_1000 = _queries(admin_browser, _url(page, course))
    assert with_10 == with_1000, (with_10, with_1000)
    print(f"{page}: 10 learners → {with_10} queries, 1,000 learners → {with_1000} queries")
