"""What an institution's system reads: courses, completions, certificates, transcripts."""

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
    assert item["learner"] == {"id": enrollment.user.pk, "email": enrollment.user.email, "name": "Amara Fenwick-Oduya, MD"}
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


def test_a_cursor_that_was_not_issued_is_a_400_with_a_message(api_get):
    response = api_get("/api/v1/completions", cursor="not-a-cursor")
    assert response.status_code == 400
    assert "cursor" in response.json()["message"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"since": "yesterday"}, {"course": "first"},
                                    {"since": "1700000000"}, {"since": "9.717724247110229e-200"}, {"since": "nan"}])
def test_bad_parameters_are_422_with_what_is_wrong(api_get, params):
    response = api_get("/api/v1/completions", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["message"].startswith("Some parameters are not valid") and body["errors"]


def test_a_misspelt_filter_is_refused_rather_than_ignored(api_get):
    response = api_get("/api/v1/completions", course_id=5)
    assert response.status_code == 422
    assert response.json()["message"] == ("Unknown parameter “course_id”. This endpoint takes: "
                                          "course, since, cursor, limit.")


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
    assert body["totals"] == [{"credit_type_label": "AMA PRA Category 1 Credit™", "credits": 1.0,
                              "credit_text": "1 AMA PRA Category 1 Credit™"}]
    assert api_get("/api/v1/learners/987654/transcript").status_code == 404


@pytest.mark.parametrize("count", [10, 100])
def test_lists_take_the_same_queries_for_10_and_100_rows(api_get, django_assert_max_num_queries, count):
    course = bare_course()
    for _ in range(count):
        certificate(completion(course))
    # Token lookup, last-used stamp, the page itself (+ topics for courses), the call log.
    for path, params in (("/api/v1/completions", {"limit": 200}), ("/api/v1/certificates", {"limit": 200}),
                         ("/api/v1/courses", {})):
        with django_assert_max_num_queries(6):
            assert api_get(path, **params).status_code == 200
