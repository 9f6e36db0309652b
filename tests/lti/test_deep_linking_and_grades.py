"""An instructor picks a Docere course from the LMS (deep linking); when a learner launched
from that link passes the post-test, the score goes back to the LMS gradebook (AGS)."""

import html
import io
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs

import jwt
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from lti import services
from lti.models import GradeLink, GradeStatus, PlatformAccount
from tests.lti.conftest import launch, pass_post_test
from tests.lti.platform import INSTRUCTOR, SCORE_SCOPE

pytestmark = pytest.mark.django_db


def docere_public_key(client, token: str):
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = client.get("/lti/jwks/").json()["keys"]
    return RSAAlgorithm.from_jwk(json.dumps(next(key for key in jwks if key["kid"] == kid)))


def test_instructor_picks_a_course_and_the_signed_answer_verifies(client, platform, registration, course):
    picker = launch(client, platform, registration, roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
    page = picker.content.decode()
    assert picker.status_code == 200 and course.title in page
    launch_id = re.search(r'name="launch_id" value="([^"]+)"', page).group(1)

    answer = client.post("/lti/deep-link/", {"launch_id": launch_id, "course": [course.pk]})
    body = answer.content.decode()
    assert answer.status_code == 200
    assert f'action="{platform.url}/deep_links"' in body
    assert f"form-action 'self' {platform.url}" in answer["Content-Security-Policy"]
    token = html.unescape(re.search(r'name="JWT" value="([^"]+)"', body).group(1))
    claims = jwt.decode(token, docere_public_key(client, token), algorithms=["RS256"], audience=platform.issuer)
    assert claims["iss"] == platform.client_id
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"docere_course": course.slug}
    assert item["lineItem"]["scoreMaximum"] == 100


def picker_form(page) -> dict:
    body = page.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]+)"', body).group(1)
        for name in ("launch_id", "csrfmiddlewaretoken")
    }


def test_choosing_nothing_or_an_unknown_launch_gets_a_page(client, platform, registration, course):
    assert client.post("/lti/deep-link/", {"launch_id": "lti1p3-launch-nope", "course": [course.pk]}).status_code == 403
    picker = launch(client, platform, registration, roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
    launch_id = picker_form(picker)["launch_id"]
    assert "Choose at least one course" in client.post("/lti/deep-link/", {"launch_id": launch_id}).content.decode()


def test_a_deep_link_answer_is_signed_only_for_the_browser_that_received_the_launch(
    platform, registration, course, caplog
):
    def deep_linking_browser():
        browser = Client(enforce_csrf_checks=True)
        return browser, picker_form(
            launch(browser, platform, registration, roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest")
        )

    instructor, form = deep_linking_browser()
    choice = {"launch_id": form["launch_id"], "course": [course.pk]}

    # Whoever holds the launch id — with no session, or with a session and CSRF token of their own — gets no answer.
    other, other_form = deep_linking_browser()
    for stranger, token in ((Client(), ""), (other, other_form["csrfmiddlewaretoken"])):
        answer = stranger.post("/lti/deep-link/", {**choice, "csrfmiddlewaretoken": token})
        assert answer.status_code == 403 and 'name="JWT"' not in answer.content.decode()
        assert "not started in this browser" in answer.content.decode()
    assert any("is not one this session received" in record.getMessage() for record in caplog.records)

    # The right browser without its CSRF token (a page elsewhere posting into its session) is refused too.
    forged = instructor.post("/lti/deep-link/", choice)
    assert forged.status_code == 403 and 'name="JWT"' not in forged.content.decode()

    answered = instructor.post("/lti/deep-link/", {**choice, "csrfmiddlewaretoken": form["csrfmiddlewaretoken"]})
    assert answered.status_code == 200 and 'name="JWT"' in answered.content.decode()
    again = instructor.post("/lti/deep-link/", {**choice, "csrfmiddlewaretoken": form["csrfmiddlewaretoken"]})
    assert again.status_code == 403 and "already answered" in again.content.decode()


def test_passing_the_post_test_sends_the_score_to_the_lms_gradebook(
    client, platform, registration, course, eager_celery, django_capture_on_commit_callbacks
):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    link = GradeLink.objects.get()
    assert (link.lineitem_url, link.status) == (platform.lineitem, GradeStatus.NOT_DUE)
    with django_capture_on_commit_callbacks(execute=True):
        pass_post_test(link.enrollment)
        # Where courses.services records the pass, it calls this in the same transaction.
        services.post_test_passed(enrollment=link.enrollment)

    token_request = next(r for r in platform.requests if r["path"] == "/token")
    form = {key: values[0] for key, values in parse_qs(token_request["body"]).items()}
    assert form["grant_type"] == "client_credentials"
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assertion = jwt.decode(
        form["client_assertion"],
        docere_public_key(client, form["client_assertion"]),
        algorithms=["RS256"],
        audience=f"{platform.url}/token",
    )
    assert assertion["iss"] == assertion["sub"] == platform.client_id
    # The platform offered line item management too; Docere only posts scores, so asks for no more.
    assert form["scope"] == SCORE_SCOPE

    score_request = next(r for r in platform.requests if r["path"].endswith("/scores"))
    assert score_request["path"] == "/courses/7/lineitems/42/lineitem/scores"
    assert score_request["headers"]["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    assert score_request["headers"]["Authorization"] == "Bearer platform-token-1"
    score = json.loads(score_request["body"])
    assert score["userId"] == "lakeside-user-1001" and score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    link.refresh_from_db()
    assert link.status == GradeStatus.SENT and link.sent_at is not None


def test_a_pass_is_sent_once_however_often_it_is_reported(
    client, platform, registration, course, eager_celery, django_capture_on_commit_callbacks
):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    enrollment = GradeLink.objects.get().enrollment
    with django_capture_on_commit_callbacks(execute=True):
        pass_post_test(enrollment)
        services.post_test_passed(enrollment=enrollment)
        services.post_test_passed(enrollment=enrollment)
    assert sum(r["path"].endswith("/scores") for r in platform.requests) == 1


def test_a_platform_that_keeps_failing_is_retried_then_marked_failed(
    client, platform, registration, course, eager_celery, django_capture_on_commit_callbacks
):
    platform.score_status = 503
    launch(client, platform, registration, custom={"docere_course": course.slug})
    enrollment = GradeLink.objects.get().enrollment
    with django_capture_on_commit_callbacks(execute=True):
        pass_post_test(enrollment)
        services.post_test_passed(enrollment=enrollment)
    link = GradeLink.objects.get()
    assert link.status == GradeStatus.FAILED and link.tries == 6 and "503" in link.last_error
    platform.score_status = 200
    with django_capture_on_commit_callbacks(execute=True):
        services.score_retry(link=link)
    link.refresh_from_db()
    assert link.status == GradeStatus.SENT


def test_a_learner_who_passed_before_launching_from_the_lms_still_gets_the_score(
    client, platform, registration, course, eager_celery, django_capture_on_commit_callbacks
):
    launch(client, platform, registration, custom={"docere_course": course.slug}, ags=False)
    enrollment = PlatformAccount.objects.get().user.enrollments.get()
    pass_post_test(enrollment)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        launch(client, platform, registration)
    assert GradeLink.objects.get().status == GradeStatus.SENT


def test_the_sweeper_requeues_a_score_the_queue_lost(client, platform, registration, course, eager_celery):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    link = GradeLink.objects.get()
    GradeLink.objects.filter(pk=link.pk).update(
        status=GradeStatus.PENDING,
        score_percent=90,
        score_changed_at=link.status_changed_at.replace(year=2020),
        status_changed_at=link.status_changed_at.replace(year=2020),
    )
    assert services.scores_sweep() == 1
    assert GradeLink.objects.get().status == GradeStatus.SENT


def test_key_rotation_publishes_both_keys_and_signs_with_the_new_one(client, platform, registration):
    services.tool_key_ensure()
    first = {key["kid"] for key in client.get("/lti/jwks/").json()["keys"]}
    call_command("rotate_keys", stdout=io.StringIO())
    after = {key["kid"] for key in client.get("/lti/jwks/").json()["keys"]}
    assert first < after and len(after) == 2
    newest = services.tool_key_ensure()
    assert newest.as_jwk()["kid"] in after - first


def test_the_sweeper_sends_a_pass_that_was_recorded_without_telling_lti(
    client, platform, registration, course, eager_celery, django_capture_on_commit_callbacks
):
    launch(client, platform, registration, custom={"docere_course": course.slug})
    pass_post_test(GradeLink.objects.get().enrollment)
    # As if the pass had been recorded without telling this app (before the call was wired,
    # or a worker died between the two): the grade link still waits.
    GradeLink.objects.update(status=GradeStatus.NOT_DUE, score_percent=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scores_sweep() == 1
    assert GradeLink.objects.get().status == GradeStatus.SENT


def scores_posted(platform) -> list[dict]:
    return [json.loads(r["body"]) for r in platform.requests if r["path"].endswith("/scores")]


def test_every_try_of_a_score_carries_the_time_the_learner_passed(
    client, platform, registration, course, eager_celery, django_capture_on_commit_callbacks, monkeypatch
):
    platform.score_status = 503
    launch(client, platform, registration, custom={"docere_course": course.slug})
    enrollment = GradeLink.objects.get().enrollment
    with django_capture_on_commit_callbacks(execute=True):
        pass_post_test(enrollment)
    enrollment.refresh_from_db()
    passed_at = enrollment.post_test_passed_at

    # An hour later an administrator sends the failed score again, and the platform takes it.
    later = timezone.now() + timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    platform.score_status = 200
    with django_capture_on_commit_callbacks(execute=True):
        services.score_retry(link=GradeLink.objects.get())

    stamps = {score["timestamp"] for score in scores_posted(platform)}
    assert len(scores_posted(platform)) == 7
    assert stamps == {passed_at.isoformat(timespec="milliseconds")}
    assert GradeLink.objects.get().status == GradeStatus.SENT


def test_the_course_picker_keeps_its_session_and_csrf_cookies_inside_the_lms_frame(
    client, platform, registration, course
):
    picker = launch(
        client, platform, registration, secure=True, roles=[INSTRUCTOR], message_type="LtiDeepLinkingRequest"
    )
    assert picker.status_code == 200
    # A frame is a third-party context: only SameSite=None; Secure cookies come back with the choice.
    for name in ("sessionid", "csrftoken"):
        assert (picker.cookies[name]["samesite"], picker.cookies[name]["secure"]) == ("None", True), name
    assert f"frame-ancestors {platform.url}" in picker["Content-Security-Policy"]
