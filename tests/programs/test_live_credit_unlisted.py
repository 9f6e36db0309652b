"""A live session's credit activity is reached from its session only: never offered or
taken as a self-paced course — not in the catalog, on course pages, in My learning, in the
API's course list or in the LMS's course picker."""

import re

import pytest
from django.urls import reverse

from courses.models import Enrollment
from tests.api.conftest import make_token
from tests.courses.conftest import build_course
from tests.lti.conftest import launch, platform, registration  # noqa: F401 — fixtures
from tests.lti.platform import INSTRUCTOR
from tests.programs.test_live_credit import attendee, designated_session, walk_to_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return designated_session()


def test_the_catalog_does_not_list_a_sessions_credit_activity(client, session):
    page = client.get(reverse("courses:catalog"), {"q": "feedback"}).content.decode()

    assert session.credit_activity.title not in page


def test_the_course_pages_of_a_sessions_credit_activity_do_not_exist(client, session):
    slug = session.credit_activity.slug
    client.force_login(attendee(session))

    for name, args in [
        ("courses:detail", [slug]),
        ("courses:disclosures", [slug]),
        ("courses:module", [slug, 1]),
        ("courses:post_test", [slug]),
        ("courses:evaluation", [slug]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("courses:enroll", args=[slug])).status_code == 404
    assert not Enrollment.objects.exists()


def test_my_learning_leaves_the_activity_to_the_session_page(client, session):
    client.force_login(attendee(session))
    walk_to_claim(client, session)

    page = client.get(reverse("learning")).content.decode()

    assert session.credit_activity.title not in page


def test_the_api_course_list_does_not_offer_it(client, session):
    headers = {"Authorization": f"Bearer {make_token()}"}

    listed = client.get("/api/v1/courses", headers=headers).json()["items"]
    assert session.credit_activity.slug not in [course["slug"] for course in listed]
    assert client.get(f"/api/v1/courses/{session.credit_activity.pk}", headers=headers).status_code == 404


def test_the_lms_course_picker_does_not_offer_it(client, platform, registration, session):  # noqa: F811
    listed = build_course(slug="bedside-teaching")
    picker = launch(client, platform, registration, roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
    page = picker.content.decode()
    assert picker.status_code == 200 and listed.title in page and session.credit_activity.title not in page
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', page).group(1)

    answer = client.post("/lti/deep-link/", {"launch_id": launch_id, "course": [session.credit_activity.pk]})

    assert "Choose at least one course" in answer.content.decode()
