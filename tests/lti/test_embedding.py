"""Docere inside the LMS's iframe: framed by the launching platform only, cookies that
survive a third-party context on HTTPS, and a new-tab way in when the browser blocks them."""

import re

import pytest
from django.test import Client

from tests.lti.conftest import launch, login_step

pytestmark = pytest.mark.django_db


def test_after_a_launch_the_platform_may_frame_the_course_and_nobody_else(client, platform, registration, course):
    arrived = launch(client, platform, registration, custom={"docere_course": course.slug})
    page = client.get(client.get(arrived["Location"])["Location"])
    assert f"frame-ancestors {platform.url}" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page
    ordinary = Client().get(f"/courses/{course.slug}/")
    assert "frame-ancestors 'none'" in ordinary["Content-Security-Policy"]
    assert ordinary["X-Frame-Options"] == "DENY"


def test_on_https_the_launched_sessions_cookies_are_samesite_none_and_secure(client, platform, registration, course):
    response = launch(client, platform, registration, secure=True, custom={"docere_course": course.slug})
    assert response.status_code == 302, response.content[:300]
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["samesite"] == "None" and session_cookie["secure"] is True


def test_login_page_checks_cookies_with_our_script_and_offers_a_new_tab(client, platform, registration):
    page = client.post(
        f"/lti/login/{registration.uuid}/",
        {"iss": platform.issuer, "login_hint": "u", "target_link_uri": "http://testserver/lti/launch/"},
    )
    html = page.content.decode()
    assert 'src="/static/lti/launch.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "Open Docere in a new tab" in html and "new_window=1" in html
    assert f"frame-ancestors {platform.url}" in page["Content-Security-Policy"]
    assert any(name.startswith("lti1p3-state-") for name in page.cookies)


def test_in_a_new_tab_login_goes_straight_to_the_platform(client, platform, registration):
    response = client.get(
        f"/lti/login/{registration.uuid}/",
        {
            "iss": platform.issuer,
            "login_hint": "u",
            "target_link_uri": "http://testserver/lti/launch/",
            "new_window": "1",
        },
    )
    assert response.status_code == 302 and response["Location"].startswith(f"{platform.url}/authorize?")


def test_error_pages_are_framed_only_by_registered_platforms(client, platform, registration):
    page = client.post("/lti/launch/", {"id_token": "x"})
    assert f"frame-ancestors {platform.url}" in page["Content-Security-Policy"]


def test_state_from_another_browser_is_refused(client, platform, registration, course):
    authorization = login_step(client, platform, registration)
    token = platform.id_token(nonce=authorization["nonce"], custom={"docere_course": course.slug})
    response = Client().post("/lti/launch/", {"id_token": token, "state": authorization["state"]})
    assert response.status_code == 400 and "sign-in it started from this browser" in response.content.decode()
