"""An institution's LMS launches Docere: OIDC login, a signed id_token, an account linked to
the platform user, and the learner lands on the course the link is tied to."""

import pytest
from allauth.account.models import EmailAddress
from lti_tool.models import LtiDeployment

from courses.models import Enrollment
from lti.models import CourseLink, PlatformAccount
from tests.factories import UserFactory
from tests.lti.conftest import launch, login_step
from tests.lti.platform import INSTRUCTOR

pytestmark = pytest.mark.django_db


def test_learner_launch_links_an_account_and_lands_on_the_enrolled_course(client, platform, registration, course):
    response = launch(client, platform, registration, custom={"docere_course": course.slug})
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == f"/courses/{course.slug}/"
    assert client.get(landing["Location"]).status_code == 200

    account = PlatformAccount.objects.get()
    assert (account.issuer, account.subject) == (platform.issuer, "lakeside-user-1001")
    learner = account.user
    assert learner.email == "ines.halvorsen@lakeside.example" and not learner.has_usable_password()
    assert EmailAddress.objects.get(user=learner).verified
    assert Enrollment.objects.filter(user=learner, course=course).exists()
    assert CourseLink.objects.get().course == course


def test_a_second_launch_reuses_the_account_and_the_link_remembers_the_course(client, platform, registration, course):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    client.logout()
    response = launch(client, platform, registration)  # no custom parameter this time
    assert client.get(response["Location"])["Location"] == f"/courses/{course.slug}/"
    assert PlatformAccount.objects.count() == 1 and Enrollment.objects.count() == 1


def test_the_same_sub_on_another_platform_is_another_person(client, platform, registration, course):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    other_issuer = PlatformAccount.objects.create(
        issuer="https://other-lms.example", subject="lakeside-user-1001", user=UserFactory()
    )
    assert PlatformAccount.objects.get(issuer=platform.issuer).user != other_issuer.user


def test_a_platform_email_already_used_in_docere_is_not_taken_over(client, platform, registration, course):
    existing = UserFactory(email="ines.halvorsen@lakeside.example")
    launch(client, platform, registration, custom={"docere_course": course.slug})
    learner = PlatformAccount.objects.get().user
    assert learner != existing and learner.email == ""


def test_instructors_land_on_the_course_without_being_enrolled(client, platform, registration, course):
    response = launch(client, platform, registration, roles=[INSTRUCTOR], custom={"docere_course": course.slug})
    assert client.get(response["Location"])["Location"] == f"/courses/{course.slug}/"
    assert not Enrollment.objects.exists()


def refused(response, status: int, words: str) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert "Docere could not open" in page and words in page


def test_an_unknown_deployment_is_refused_and_waits_inactive_for_an_administrator(
    client, platform, registration, course
):
    refused(
        launch(
            client, platform, registration, deployment_id="brand-new-deployment", custom={"docere_course": course.slug}
        ),
        403,
        "waiting for a Docere administrator",
    )
    assert LtiDeployment.objects.get(deployment_id="brand-new-deployment").is_active is False
    assert not Enrollment.objects.exists()


def test_a_replayed_launch_is_refused(client, platform, registration, course):
    authorization = login_step(client, platform, registration)
    token = platform.id_token(nonce=authorization["nonce"], custom={"docere_course": course.slug})
    first = client.post("/lti/launch/", {"id_token": token, "state": authorization["state"]})
    again = client.post("/lti/launch/", {"id_token": token, "state": authorization["state"]})
    assert first.status_code == 302
    refused(again, 400, "already been used")


def test_a_link_without_a_course_says_what_to_do(client, platform, registration):
    refused(launch(client, platform, registration), 404, "not tied to a Docere course")


def test_staff_accounts_cannot_be_opened_from_an_lms(client, platform, registration, course):
    staff = UserFactory(is_staff=True)
    PlatformAccount.objects.create(issuer=platform.issuer, subject="lakeside-user-1001", user=staff)
    refused(launch(client, platform, registration, custom={"docere_course": course.slug}), 403, "staff")


@pytest.mark.parametrize("data", [{}, {"id_token": "not.a.jwt", "state": "state-x"}, {"id_token": "abc"}])
def test_malformed_launches_get_a_page_not_a_500(client, registration, data):
    response = client.post("/lti/launch/", data)
    assert response.status_code == 400 and "Docere could not open" in response.content.decode()


def test_login_from_an_unregistered_platform_gets_a_page(client, db):
    response = client.post(
        "/lti/login/",
        {"iss": "http://127.0.0.1:9/", "login_hint": "x", "target_link_uri": "http://testserver/lti/launch/"},
    )
    assert response.status_code == 400 and "does not know this LMS" in response.content.decode()
