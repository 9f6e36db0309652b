"""The whole LTI journey over HTTP, between Docere's live server and a minimal platform of
the tests' own (tests/lti/minimal_platform.py): an instructor adds a course by deep linking,
a learner opens it from the resulting link, passes, and the score lands in the platform's
gradebook, sent by the worker task with a token from the client-credentials grant."""

import re

import pytest
import requests
from lti_tool.models import LtiDeployment, LtiRegistration

from courses.models import Enrollment
from lti.models import GradeLink, GradeStatus
from tests.lti.conftest import pass_post_test
from tests.lti.minimal_platform import INSTRUCTOR, LEARNER, SCORE_SCOPE, Platform, Tool, form_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mercy(live_server):
    """The platform, and Docere's registration of it as an administrator enters it."""
    platform = Platform().start()
    registration = LtiRegistration.objects.create(
        name="Mercy LMS",
        issuer=platform.issuer,
        client_id="docere-at-mercy",
        auth_url=f"{platform.url}/authorize",
        token_url=f"{platform.url}/token",
        keyset_url=f"{platform.url}/jwks",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id="mercy-deployment-1", is_active=True)
    platform.tool = Tool(
        login_url=f"{live_server.url}/lti/login/{registration.uuid}/",
        launch_url=f"{live_server.url}/lti/launch/",
        jwks_url=f"{live_server.url}/lti/jwks/",
    )
    yield platform
    platform.stop()


def launch_over_http(browser: requests.Session, platform: Platform, **message) -> requests.Response:
    """What a browser does between the platform and Docere: post the login initiation,
    follow Docere to the platform's authorization endpoint, post its id_token back."""
    action, fields = form_in(platform.initiate_launch(**message))
    login = browser.post(action, data=fields)
    assert login.status_code == 200, login.text[:500]
    authorize_url = re.search(r'<a href="([^"]+)">Continue to Docere</a>', login.text).group(1)
    authorization = browser.get(authorize_url.replace("&amp;", "&"))
    assert authorization.status_code == 200, authorization.text
    action, fields = form_in(authorization.text)
    return browser.post(action, data=fields)


def test_an_instructor_adds_a_course_and_a_learners_pass_reaches_the_platform_gradebook(
    mercy, live_server, course, eager_celery
):
    instructor = requests.Session()
    picker = launch_over_http(instructor, mercy, user="mercy-instructor-7", roles=[INSTRUCTOR])
    assert picker.status_code == 200 and course.title in picker.text
    action, fields = form_in(picker.text, action_contains="/lti/deep-link/")
    answer = instructor.post(
        live_server.url + action, data={**fields, "course": [course.pk]}, headers={"Origin": live_server.url}
    )
    assert answer.status_code == 200, answer.text[:500]

    # The platform verifies the signed answer with Docere's JWKS, fetched over HTTP.
    action, fields = form_in(answer.text, action_contains="/deep-links")
    added = instructor.post(action, data=fields)
    assert added.status_code == 200 and mercy.problems == []
    [link] = mercy.resource_links
    assert link["custom"] == {"docere_course": course.slug} and link["title"] == course.title
    assert mercy.lineitems[link["lineitem"]]["scoreMaximum"] == 100

    learner = requests.Session()
    landing = launch_over_http(learner, mercy, user="mercy-learner-3", roles=[LEARNER], resource_link=link)
    assert landing.status_code == 200 and landing.url == f"{live_server.url}/courses/{course.slug}/"
    enrollment = Enrollment.objects.get(user__platform_accounts__subject="mercy-learner-3", course=course)

    pass_post_test(enrollment)  # the learner's pass, recorded by the course services

    [score] = mercy.lineitems[link["lineitem"]]["scores"]
    assert score["userId"] == "mercy-learner-3" and (score["scoreGiven"], score["scoreMaximum"]) == (100, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    enrollment.refresh_from_db()
    assert score["timestamp"] == enrollment.post_test_passed_at.isoformat(timespec="milliseconds")
    # The platform offered three AGS scopes; the token was asked for the one Docere uses.
    assert [request["scope"] for request in mercy.token_requests] == [SCORE_SCOPE]
    assert mercy.problems == []
    assert GradeLink.objects.get(enrollment=enrollment).status == GradeStatus.SENT
