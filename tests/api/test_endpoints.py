"""What an institution's system reads: courses, completions, certificates, transcripts."""

import base64
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import CertificateStatus
from certificates.services import certificate_revoke
from tests.api.records import bare_course, certificate, completion
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_courses_list_published_courses_with_their_cme_facts(api_get):
    course = bare_course(title="Bedside teaching", accme_activity_id="123456789")
    bare_course(title="Unfinished draft", status="draft")
    items = api_get("/api/v1/courses").json()["items"]
    assert [item["title"] for item in items] == ["Bedside teaching"]
    facts = items[0]
    assert facts["id"] == course.pk and facts["credits_max"] == 1.0
    assert facts["credit_designation"] == "AMA PRA Category 1 Credit™"
    assert facts["accme_activity_id"] == "123456789"
    assert "designates this" in facts["designation_statement"]
    assert facts["url"].endswith(f"/courses/{course.slug}/") and facts["is_open"] is True


def test_one_course_and_an_unknown_or_draft_course(api_get):
    course = bare_course()
    draft = bare_course(status="draft")
    assert api_get(f"/api/v1/courses/{course.pk}").json()["slug"] == course.slug
    for missing in (draft.pk, 999999):
        response = api_get(f"/api/v1/courses/{missing}")
        assert response.status_code == 404
        assert response.json() == {"message": f"No published course has id {missing}."}


def test_completions_name_the_course_the_learner_and_the_certificate(api_get):
    course = bare_course(title="Giving feedback")
    enrollment = completion(course, name="Amara Fenwick-Oduya, MD")
    made = certificate(enrollment)
    [item] = api_get("/api/v1/completions").json()["items"]
    assert item["course"] == {"id": course.pk, "slug": course.slug, "title": "Giving feedback"}
    assert item["learner"] == {
        "id": enrollment.user.pk,
        "email": enrollment.user.email,
        "name": "Amara Fenwick-Oduya, MD",
    }
    assert item["certificate_code"] == made.code


def test_completions_filter_by_course_and_since(api_get):
    now = timezone.now()
    first, second = bare_course(), bare_course()
    old = completion(first, at=now - timedelta(days=10))
    recent = completion(first, at=now - timedelta(days=1))
    elsewhere = completion(second, at=now - timedelta(days=1))
    ids = lambda **params: [item["id"] for item in api_get("/api/v1/completions", **params).json()["items"]]  # noqa: E731
    assert ids() == [old.pk, recent.pk, elsewhere.pk] or ids() == [old.pk, elsewhere.pk, recent.pk]
    assert ids(course=first.pk) == [old.pk, recent.pk]
    assert set(ids(since=(now - timedelta(days=2)).isoformat())) == {recent.pk, elsewhere.pk}


def test_pages_are_stable_when_completions_arrive_while_paging(api_get):
    course = bare_course()
    start = timezone.now() - timedelta(hours=1)
    existing = [completion(course, at=start + timedelta(minutes=minute)) for minute in range(5)]
    seen, cursor = [], None
    first = api_get("/api/v1/completions", limit=2).json()
    seen += [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    # Two learners finish while the registrar is between pages: one now, one at the same
    # instant as a row already returned (ties are broken by id, not skipped).
    arrived = [completion(course), completion(course, at=existing[1].completed_at)]
    while True:
        page = api_get("/api/v1/completions", limit=2, cursor=cursor).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert len(seen) == len(set(seen)), "a completion was returned twice"
    now_row, tie_row = arrived
    assert seen == [existing[0].pk, existing[1].pk, tie_row.pk, *[row.pk for row in existing[2:]], now_row.pk]
    # Later, the same cursor hands over only what is new.
    late = completion(course)
    assert [item["id"] for item in api_get("/api/v1/completions", cursor=cursor).json()["items"]] == [late.pk]


CURSOR_REFUSED = (
    "The cursor is not one this endpoint returned (altered, made up, or from another list). "
    "Start again without a cursor."
)


def assert_cursor_refused(response):
    assert response.status_code == 400
    assert response.json() == {"message": CURSOR_REFUSED}


def test_a_cursor_that_was_not_issued_is_a_400_with_a_message(api_get):
    assert_cursor_refused(api_get("/api/v1/completions", cursor="not-a-cursor"))


def test_a_forged_cursor_naming_a_real_position_is_refused(api_get):
    rows = [completion(bare_course()) for _ in range(3)]
    # What a client could build by decoding an unsigned cursor: [timestamp, id] in base64url.
    position = json.dumps([rows[0].completed_at.isoformat(), rows[0].pk]).encode()
    forged = base64.urlsafe_b64encode(position).decode().rstrip("=")
    assert_cursor_refused(api_get("/api/v1/completions", cursor=forged))
    assert_cursor_refused(api_get("/api/v1/completions", cursor=forged + "." + "A" * 43))


def test_an_altered_cursor_is_refused(api_get):
    for _ in range(3):
        completion(bare_course())
    cursor = api_get("/api/v1/completions", limit=1).json()["next_cursor"]
    assert api_get("/api/v1/completions", cursor=cursor).status_code == 200
    payload, signature = cursor.split(".")
    earlier = json.dumps([(timezone.now() - timedelta(days=999)).isoformat(), 1]).encode()
    moved = base64.urlsafe_b64encode(earlier).decode().rstrip("=") + "." + signature
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature
    for altered in (moved, flipped, payload + "." + signature[::-1]):
        assert_cursor_refused(api_get("/api/v1/completions", cursor=altered))


def test_a_cursor_only_works_on_the_list_that_issued_it(api_get):
    certificate(completion(bare_course()))
    from_completions = api_get("/api/v1/completions").json()["next_cursor"]
    from_certificates = api_get("/api/v1/certificates").json()["next_cursor"]
    assert_cursor_refused(api_get("/api/v1/certificates", cursor=from_completions))
    assert_cursor_refused(api_get("/api/v1/completions", cursor=from_certificates))
    assert api_get("/api/v1/certificates", cursor=from_certificates).json()["items"] == []


def test_walking_every_certificate_page_returns_each_row_once_with_url_safe_cursors(api_get):
    course = bare_course()
    made = {certificate(completion(course)).code for _ in range(7)}
    seen, cursor, pages = [], None, 0
    while True:
        page = api_get("/api/v1/certificates", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["code"] for item in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", cursor)
        if not page["has_more"]:
            break
    assert pages == 4 and len(seen) == 7 and set(seen) == made


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"since": "yesterday"}, "since"),
        ({"course": "first"}, "course"),
        ({"since": "1700000000"}, "since"),
        ({"since": "9.717724247110229e-200"}, "since"),
        ({"since": "nan"}, "since"),
    ],
)
def test_bad_parameters_are_422_with_what_is_wrong(api_get, params, field):
    response = api_get("/api/v1/completions", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["message"].startswith(f"Some parameters are not valid: {field}: ")
    [problem] = body["errors"]
    assert problem["location"] == "query" and problem["field"] == field and problem["message"]
    assert problem["message"] in body["message"]


def test_every_bad_parameter_is_listed_on_its_own(api_get):
    body = api_get("/api/v1/certificates", limit=0, status="lost").json()
    assert sorted((problem["location"], problem["field"]) for problem in body["errors"]) == [
        ("query", "limit"),
        ("query", "status"),
    ]


def test_a_bad_id_in_the_path_is_listed_as_a_path_problem(api_get):
    body = api_get("/api/v1/courses/0").json()
    assert [(problem["location"], problem["field"]) for problem in body["errors"]] == [("path", "course_id")]


def test_a_misspelt_filter_is_refused_rather_than_ignored(api_get):
    response = api_get("/api/v1/completions", course_id=5, sinse="2026-01-01")
    assert response.status_code == 422
    takes = "This endpoint takes: course, since, cursor, limit."
    assert response.json() == {
        "message": f"Unknown parameter “course_id”, “sinse”. {takes}",
        "errors": [
            {"location": "query", "field": "course_id", "message": f"Unknown parameter. {takes}"},
            {"location": "query", "field": "sinse", "message": f"Unknown parameter. {takes}"},
        ],
    }


def test_unknown_api_paths_answer_json(api_get):
    response = api_get("/api/v1/nothing-here")
    assert response.status_code == 404 and "/api/v1/docs/" in response.json()["message"]


def test_certificates_show_code_status_learner_credits_issue_date_and_verify_url(api_get):
    made = certificate(completion(bare_course()))
    [item] = api_get("/api/v1/certificates").json()["items"]
    assert item["code"] == made.code and item["status"] == "ready" and item["credits"] == 1.0
    assert item["verify_url"].endswith(f"/verify/{made.code}/")
    assert item["issued_at"] is not None and item["learner"]["id"] == made.user_id
    assert api_get(f"/api/v1/certificates/{made.display_code.lower()}").json()["code"] == made.code
    assert api_get("/api/v1/certificates/ZZZZZZZZZZ").status_code == 404


def test_a_revoked_certificate_comes_back_after_the_last_cursor(api_get):
    made = certificate(completion(bare_course()))
    cursor = api_get("/api/v1/certificates").json()["next_cursor"]
    certificate_revoke(certificate=made, actor=UserFactory(is_staff=True), reason="Duplicate claim.")
    [item] = api_get("/api/v1/certificates", cursor=cursor).json()["items"]
    assert item["status"] == "revoked" and item["revoked_at"] is not None
    assert [row["code"] for row in api_get("/api/v1/certificates", status="revoked").json()["items"]] == [made.code]


def test_a_learners_transcript_lists_claims_and_totals_without_revoked_ones(api_get):
    kept = certificate(completion(bare_course(title="Kept")))
    learner = kept.user
    other = completion(bare_course(title="Revoked one"))
    other.user = learner
    other.save()
    certificate(other, status=CertificateStatus.REVOKED)
    body = api_get(f"/api/v1/learners/{learner.pk}/transcript").json()
    assert [item["course"]["title"] for item in body["items"]] == ["Kept"]
    assert body["totals"] == [
        {
            "credit_type_label": "AMA PRA Category 1 Credit™",
            "credits": 1.0,
            "credit_text": "1 AMA PRA Category 1 Credit™",
        }
    ]
    assert api_get("/api/v1/learners/987654/transcript").status_code == 404


@pytest.mark.parametrize("count", [10, 100])
def test_lists_take_the_same_queries_for_10_and_100_rows(api_get, django_assert_max_num_queries, count):
    course = bare_course()
    for _ in range(count):
        certificate(completion(course))
    # Token lookup, last-used stamp, the page itself (+ topics for courses), the call log.
    for path, params in (
        ("/api/v1/completions", {"limit": 200}),
        ("/api/v1/certificates", {"limit": 200}),
        ("/api/v1/courses", {}),
    ):
        with django_assert_max_num_queries(6):
            assert api_get(path, **params).status_code == 200
