"""Claiming credit: the rules, and that a refused claim writes nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from certificates import services
from certificates.models import Certificate, CertificateEvent, CertificateStatus, CreditClaim, CreditType
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def _counts():
    return CreditClaim.objects.count(), Certificate.objects.count(), CertificateEvent.objects.count()


def test_physician_claims_credit_and_gets_a_pending_certificate_with_a_frozen_snapshot(
    client, physician, completed_enrollment, django_capture_on_commit_callbacks
):
    client.force_login(physician)
    page = client.get(reverse("certificates:claim", args=[completed_enrollment.course.slug])).content.decode()
    assert "claim only the credit commensurate with the extent of your participation" in page.lower()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("certificates:claim", args=[completed_enrollment.course.slug]), {"credits": "1.75", "attest": "on"}
        )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert len(callbacks) == 1, "the render is queued once, after the commit"
    assert certificate.status == CertificateStatus.PENDING
    assert certificate.credit_type == CreditType.AMA_PRA_CATEGORY_1
    assert certificate.credits == Decimal("1.75")
    assert certificate.learner_name == "Amara Fenwick-Oduya, MD"
    assert certificate.course_title == completed_enrollment.course.title
    assert len(certificate.code) == 10 and certificate.code.isalnum() and certificate.code.isupper()
    assert certificate.events.get().kind == "created"

    # Later course edits do not change what was claimed.
    course = completed_enrollment.course
    course.title = "Renamed later"
    course.save()
    certificate.refresh_from_db()
    assert certificate.course_title != "Renamed later"


def test_other_health_professional_gets_a_certificate_of_participation(db):
    nurse = ProfileFactory(profession="other_hp", credentials="RN", certificate_name="Lee Park, RN").user
    enrollment = complete_course(nurse, build_course(slug="for-nurses"))
    certificate = services.credit_claim_create(
        enrollment=enrollment, user=nurse, credits=Decimal("1.50"), attested=True
    )
    assert certificate.credit_type == CreditType.PARTICIPATION


@pytest.mark.parametrize(
    "credits, message",
    [
        ("2.00", "at most 1.75"),
        ("-1", "positive"),
        ("0", "positive"),
        ("1.3", "steps of 0.25"),
        ("abc", "Enter a number"),
    ],
)
def test_bad_credit_amounts_are_refused_and_nothing_is_written(
    client, physician, completed_enrollment, credits, message
):
    client.force_login(physician)
    before = _counts()
    response = client.post(
        reverse("certificates:claim", args=[completed_enrollment.course.slug]), {"credits": credits, "attest": "on"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


def test_claim_without_attestation_is_refused(client, physician, completed_enrollment):
    client.force_login(physician)
    response = client.post(reverse("certificates:claim", args=[completed_enrollment.course.slug]), {"credits": "1"})
    assert response.status_code == 400 and "attestation" in response.content.decode()
    assert _counts() == (0, 0, 0)


def test_incomplete_course_cannot_be_claimed(client, physician):
    from courses import services as course_services

    course = build_course(slug="unfinished")
    enrollment = course_services.enrollment_create(user=physician, course=course)
    with pytest.raises(services.ClaimError, match="once the course is complete"):
        services.credit_claim_create(enrollment=enrollment, user=physician, credits=Decimal("1"), attested=True)
    assert _counts() == (0, 0, 0)


def test_a_learner_cannot_claim_on_someone_elses_enrollment(client, completed_enrollment):
    intruder = ProfileFactory().user
    client.force_login(intruder)
    response = client.post(
        reverse("certificates:claim", args=[completed_enrollment.course.slug]), {"credits": "1", "attest": "on"}
    )
    assert response.status_code == 404
    with pytest.raises(services.ClaimError):
        services.credit_claim_create(
            enrollment=completed_enrollment, user=intruder, credits=Decimal("1"), attested=True
        )
    assert _counts() == (0, 0, 0)


def test_incomplete_profile_says_what_is_missing(client, completed_enrollment):
    profile = completed_enrollment.user.profile
    profile.certificate_name = ""
    profile.save()
    client.force_login(completed_enrollment.user)
    page = client.get(reverse("certificates:claim", args=[completed_enrollment.course.slug])).content.decode()
    assert "full name on certificates" in page and reverse("accounts:profile") in page
    with pytest.raises(services.ClaimError, match="full name on certificates"):
        services.credit_claim_create(
            enrollment=completed_enrollment, user=completed_enrollment.user, credits=Decimal("1"), attested=True
        )


def test_a_second_claim_is_refused(physician, completed_enrollment):
    services.credit_claim_create(enrollment=completed_enrollment, user=physician, credits=Decimal("1"), attested=True)
    before = _counts()
    with pytest.raises(services.ClaimError, match="already been claimed") as refused:
        services.credit_claim_create(
            enrollment=completed_enrollment, user=physician, credits=Decimal("1"), attested=True
        )
    assert refused.value.status_code == 409
    assert _counts() == before


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_make_one_certificate():
    physician = ProfileFactory().user
    enrollment = complete_course(physician, build_course(slug="race-claim"))
    barrier = threading.Barrier(2)
    outcomes = []

    def claim():
        try:
            barrier.wait()
            services.credit_claim_create(enrollment=enrollment, user=physician, credits=Decimal("1"), attested=True)
            outcomes.append("claimed")
        except services.ClaimError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["claimed", "refused"]
    assert Certificate.objects.count() == 1 and CreditClaim.objects.count() == 1
