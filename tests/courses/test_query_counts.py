"""Pages make the same number of queries with 10 or 100 modules and courses."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Course, Module, Topic
from tests.courses.conftest import build_course

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def _add_modules(course, total):
    start = course.modules.count()
    Module.objects.bulk_create(
        [Module(course=course, order=n, title=f"Extra {n}", body="Text") for n in range(start + 1, total + 1)]
    )


def _add_courses(total, topic):
    for n in range(total):
        course = Course.objects.create(
            slug=f"c{n}", title=f"Catalog course {n}", summary="S", credits_max=Decimal("1.00"), status="published"
        )
        course.topics.add(topic)


def _enrol_everywhere(learner):
    for course in Course.objects.all():
        enrollment = services.enrollment_create(user=learner, course=course)
        services.disclosures_acknowledge(enrollment=enrollment)


@pytest.mark.parametrize("page", ["course", "module"])
def test_course_and_module_pages_are_flat_in_the_number_of_modules(client, learner, page):
    small = build_course(slug="small", modules=10, knowledge_checks=False)
    large = build_course(slug="large", modules=10, knowledge_checks=False)
    _add_modules(large, 100)
    client.force_login(learner)
    counts = []
    for course in (small, large):
        enrollment = services.enrollment_create(user=learner, course=course)
        services.disclosures_acknowledge(enrollment=enrollment)
        url = course.get_absolute_url() if page == "course" else reverse("courses:module", args=[course.slug, 1])
        counts.append(_queries(client, url))
    assert counts[0] == counts[1], counts
    print(f"{page} page queries: 10 modules → {counts[0]}, 100 modules → {counts[1]}")


def test_catalog_is_flat_in_the_number_of_courses(client):
    topic = Topic.objects.create(name="Feedback", slug="feedback")
    _add_courses(10, topic)
    ten = _queries(client, reverse("courses:catalog"))
    _add_courses_from = Course.objects.count()
    for n in range(_add_courses_from, 100):
        Course.objects.create(
            slug=f"more{n}", title=f"More {n}", summary="S", credits_max=Decimal("1.00"), status="published"
        ).topics.add(topic)
    hundred = _queries(client, reverse("courses:catalog"))
    assert ten == hundred, (ten, hundred)
    print(f"catalog queries: 10 courses → {ten}, 100 courses → {hundred}")


def test_my_learning_is_flat_in_the_number_of_enrollments(client, learner):
    topic = Topic.objects.create(name="Equity", slug="equity")
    client.force_login(learner)
    _add_courses(10, topic)
    _enrol_everywhere(learner)
    ten = _queries(client, reverse("learning"))
    for n in range(10, 100):
        Course.objects.create(
            slug=f"m{n}", title=f"M {n}", summary="S", credits_max=Decimal("1.00"), status="published"
        )
    _enrol_everywhere(learner)
    hundred = _queries(client, reverse("learning"))
    assert ten == hundred, (ten, hundred)
    print(f"my learning queries: 10 enrollments → {ten}, 100 enrollments → {hundred}")


# The session, the user, and the enrollment with its course and the modules it completed (one
# query); then, the first time a revision is shown, the course's modules, the module's body,
# its questions, their options.
MODULE_PAGE_QUERIES = 3
MODULE_CONTENT_QUERIES = 4


@pytest.mark.parametrize("modules", [10, 100])
def test_the_module_page_takes_a_fixed_number_of_queries(client, learner, modules, django_assert_max_num_queries):
    course = build_course(slug="long", modules=10)
    _add_modules(course, modules)
    services.disclosures_acknowledge(enrollment=services.enrollment_create(user=learner, course=course))
    client.force_login(learner)
    url = reverse("courses:module", args=[course.slug, 1])
    with django_assert_max_num_queries(MODULE_PAGE_QUERIES + MODULE_CONTENT_QUERIES):
        assert "Check for module 1?" in client.get(url).content.decode()
    with django_assert_max_num_queries(MODULE_PAGE_QUERIES):
        assert "Check for module 1?" in client.get(url).content.decode()
