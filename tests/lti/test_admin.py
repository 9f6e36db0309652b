"""CME administrators register platforms and see the URLs to give them."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Group

from lti.demo import demo_platform_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client):
    user = UserFactory(email="cme-office@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="CME administrators"))
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(pyotp.random_base32())}
    )
    client.force_login(user)
    return client


def test_registration_page_shows_the_urls_to_give_the_platform(administrator_client):
    registration = demo_platform_ensure()
    page = administrator_client.get(f"/admin/lti_tool/ltiregistration/{registration.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/lti/login/{registration.uuid}/" in html and "/lti/launch/" in html and "/lti/jwks/" in html
    assert "is active" in html.lower()


def test_administrators_can_add_platforms_and_follow_scores(administrator_client):
    assert administrator_client.get("/admin/lti_tool/ltiregistration/add/").status_code == 200
    assert administrator_client.get("/admin/docere_lti/gradelink/").status_code == 200


def test_the_demo_platform_is_created_once_with_an_active_deployment():
    first, second = demo_platform_ensure(), demo_platform_ensure()
    assert first == second and first.deployments.get().is_active
