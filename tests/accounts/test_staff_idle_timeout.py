"""Staff left signed in at an unattended computer are signed out after a while without activity;
learners are not. The wall clock is moved by hand: idle time is what these tests are about."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, *, minutes: float):
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def staff(db):
    return UserFactory(email="registrar@example.org", is_staff=True)


def signed_in(client, user):
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200
    return client


def test_staff_idle_for_31_minutes_are_signed_out_and_told_why(client, staff, clock):
    signed_in(client, staff)
    clock.advance(minutes=31)

    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROFILE}"
    login_page = client.get(response.url).content.decode()
    assert "You were signed out after 30 minutes without activity." in login_page
    assert client.get(PROFILE).status_code == 302, "the session no longer signs them in"


def test_staff_idle_for_29_minutes_stay_signed_in_and_each_request_restarts_the_wait(client, staff, clock):
    signed_in(client, staff)
    for _ in range(3):
        clock.advance(minutes=29)
        assert client.get(PROFILE).status_code == 200


def test_superusers_are_staff_for_the_idle_timeout(client, clock):
    signed_in(client, UserFactory(email="owner@example.org", is_superuser=True))
    clock.advance(minutes=31)
    assert client.get(PROFILE).status_code == 302


def test_learners_idle_for_hours_stay_signed_in(client, learner, clock):
    signed_in(client, learner)
    clock.advance(minutes=5 * 60)
    assert client.get(PROFILE).status_code == 200


def test_the_idle_timeout_follows_the_setting(client, staff, clock, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 10
    signed_in(client, staff)
    clock.advance(minutes=11)

    response = client.get(PROFILE, follow=True)

    assert "You were signed out after 10 minutes without activity." in response.content.decode()


def test_an_idle_staff_members_live_update_sends_the_whole_page_to_sign_in(client, staff, clock):
    signed_in(client, staff)
    clock.advance(minutes=31)

    response = client.get(PROFILE, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/learning/"})

    assert response["HX-Redirect"] == f"{reverse('account_login')}?next=/learning/"
