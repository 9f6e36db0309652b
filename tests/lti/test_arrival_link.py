"""After a launch, the arrival link and the new-tab way in: each good once, for five minutes,
and only for the browser that launched. A link copied from the address bar, history or a
log signs nobody in."""

import html
import re
from datetime import timedelta

import pytest
from django.test import Client

from lti.models import LaunchHandoff
from tests.lti.conftest import launch

pytestmark = pytest.mark.django_db


def signed_in(browser: Client, course) -> bool:
    return browser.get(f"/courses/{course.slug}/").context["user"].is_authenticated


def new_tab_form(page) -> tuple[str, dict]:
    """The framed page's "open in a new tab" form: where it posts, and what it posts."""
    text = page.content.decode()
    form = re.search(r'<form[^>]*id="lti-new-tab"[^>]*>.*?</form>', text, re.S)
    assert form, text
    tag = form.group(0)
    assert re.search(r'method="post"', tag) and re.search(r'target="_blank"', tag)
    action = html.unescape(re.search(r'action="([^"]+)"', tag).group(1))
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', tag)
    }
    return action, fields


def refused(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.content[:400]
    page = response.content.decode()
    assert "Docere could not open" in page
    for word in words:
        assert word in page


def test_the_arrival_link_opened_as_a_resume_link_in_another_browser_signs_nobody_in(
    client, platform, registration, course
):
    arrived_url = launch(client, platform, registration, custom={"docere_course": course.slug})["Location"]
    assert client.get(arrived_url)["Location"] == f"/courses/{course.slug}/"  # the learner's own cookie worked

    elsewhere = Client()
    swapped = elsewhere.get(arrived_url.replace("/lti/arrived/", "/lti/resume/"))
    refused(swapped, 403, "already used", "go back to your course in Lakeside LMS and open Docere again")
    assert not signed_in(elsewhere, course)
    refused(elsewhere.get(arrived_url), 410, "already used", "Lakeside LMS")
    assert not signed_in(elsewhere, course)


def test_the_arrival_token_is_not_a_resume_secret(client, platform, registration, course):
    arrived_url = launch(client, platform, registration, custom={"docere_course": course.slug})["Location"]
    token = arrived_url.rstrip("/").rsplit("/", 1)[1]
    elsewhere = Client()
    refused(elsewhere.post("/lti/resume/", {"secret": token}), 403, "cannot sign you in")
    assert not signed_in(elsewhere, course)


def test_when_the_frame_loses_the_cookie_the_learner_continues_in_a_new_tab_once(
    client, platform, registration, course
):
    arrived_url = launch(client, platform, registration, custom={"docere_course": course.slug})["Location"]
    framed = Client()  # the same browser, but the framed request arrives without Docere's cookie
    page = framed.get(arrived_url)
    assert page.status_code == 200 and "Open your course in a new tab" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    action, fields = new_tab_form(page)
    assert action == "/lti/resume/" and set(fields) == {"secret"}
    assert fields["secret"] not in arrived_url

    new_tab = Client()
    opened = new_tab.post(action, fields)
    assert opened.status_code == 302 and opened["Location"] == f"/courses/{course.slug}/"
    course_page = new_tab.get(opened["Location"])
    assert course_page.status_code == 200 and course.title in course_page.content.decode()
    assert course_page.context["user"] == LaunchHandoff.objects.get().user

    again = Client()
    refused(again.post(action, fields), 410, "already used", "go back to your course in Lakeside LMS")
    assert not signed_in(again, course)
    refused(Client().get(arrived_url), 410, "already used")  # the framed page cannot hand out a second secret


def test_an_expired_arrival_link_is_refused(client, platform, registration, course):
    arrived_url = launch(client, platform, registration, custom={"docere_course": course.slug})["Location"]
    LaunchHandoff.objects.update(created_at=LaunchHandoff.objects.get().created_at - timedelta(minutes=6))
    framed = Client()
    refused(framed.get(arrived_url), 410, "expired", "Lakeside LMS")
    assert not signed_in(framed, course)


def test_a_new_tab_opened_after_five_minutes_is_refused(client, platform, registration, course):
    arrived_url = launch(client, platform, registration, custom={"docere_course": course.slug})["Location"]
    action, fields = new_tab_form(Client().get(arrived_url))
    LaunchHandoff.objects.update(created_at=LaunchHandoff.objects.get().created_at - timedelta(minutes=6))
    new_tab = Client()
    refused(new_tab.post(action, fields), 410, "expired")
    assert not signed_in(new_tab, course)


def test_another_site_cannot_post_a_resume_secret_to_sign_a_visitor_in(client, platform, registration, course):
    arrived_url = launch(client, platform, registration, custom={"docere_course": course.slug})["Location"]
    action, fields = new_tab_form(Client().get(arrived_url))
    victim = Client()
    refused(victim.post(action, fields, headers={"Origin": "https://evil.example"}), 403, "another site")
    assert not signed_in(victim, course)


def test_the_new_tab_address_alone_signs_nobody_in(db):
    browser = Client()
    refused(browser.get("/lti/resume/"), 403, "cannot sign you in")
    refused(browser.post("/lti/resume/", {}), 403, "cannot sign you in")


def test_handoffs_older_than_a_day_are_deleted_at_the_next_launch(client, platform, registration, course):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    LaunchHandoff.objects.update(created_at=LaunchHandoff.objects.get().created_at - timedelta(days=1, minutes=1))
    old = LaunchHandoff.objects.get().pk
    client.logout()
    launch(client, platform, registration, custom={"docere_course": course.slug})
    assert list(LaunchHandoff.objects.values_list("pk", flat=True)) != [old]
    assert LaunchHandoff.objects.count() == 1
