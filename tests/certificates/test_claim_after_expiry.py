"""After an activity expires no new credit is claimed from it; certificates already earned
stay with their learners."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, CreditClaim
from tests.certificates.conftest import mark_ready

pytestmark = pytest.mark.django_db

EXPIRED = "no new credit can be claimed"


def expire(course):
    course.expiry_date = timezone.localdate() - timedelta(days=1)
    course.save(update_fields=["expiry_date"])


def test_a_completed_learner_cannot_claim_credit_after_the_expiry_date(client, physician, completed_enrollment):
    expire(completed_enrollment.course)
    client.force_login(physician)
    url = reverse("certificates:claim", args=[completed_enrollment.course.slug])

    page = client.get(url).content.decode()
    refused = client.post(url, {"credits": "1.75", "attest": "on"})

    assert EXPIRED in page and "Claim credit</button>" not in page
    assert refused.status_code == 403 and EXPIRED in refused.content.decode()
    with pytest.raises(services.ClaimError, match=EXPIRED):
        services.credit_claim_create(
            enrollment=completed_enrollment, user=physician, credits=Decimal("1"), attested=True
        )
    assert not CreditClaim.objects.exists() and not Certificate.objects.exists()


def test_a_certificate_earned_before_expiry_is_still_listed_and_downloadable(
    client, physician, completed_enrollment, private_media
):
    certificate = services.credit_claim_create(
        enrollment=completed_enrollment, user=physician, credits=Decimal("1.75"), attested=True
    )
    mark_ready(certificate, b"%PDF-1.7 earned before expiry")
    expire(completed_enrollment.course)
    client.force_login(physician)

    listed = client.get(reverse("certificates:list")).content.decode()
    download = client.get(reverse("certificates:download", args=[certificate.code]))

    assert completed_enrollment.course.title in listed
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 earned before expiry"
