"""A learner's claim → ready: on idle workers, then while a bulk issue for a whole course runs
on the bulk worker. Both workers are the Procfile's, so this measures what `make run` does."""

import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

from bench.certificates.processes import wait_until
from bench.certificates.rows import make_completed_enrollments


def claim_to_ready(enrollment) -> float:
    """One claim through the real service, timed until its row reads ready; then its email
    goes out, so the next claim meets an idle learners' worker."""
    from certificates import services
    from certificates.models import Certificate, CertificateEvent, CertificateEventKind, CertificateStatus

    started = time.perf_counter()
    certificate = services.credit_claim_create(
        enrollment=enrollment, user=enrollment.user, credits=Decimal("1.75"), attested=True
    )
    wait_until(
        lambda: Certificate.objects.filter(pk=certificate.pk, status=CertificateStatus.READY).exists(),
        timeout=60,
        every=0.005,
        what=f"certificate {certificate.code}",
    )
    latency = time.perf_counter() - started
    wait_until(
        lambda: CertificateEvent.objects.filter(certificate=certificate, kind=CertificateEventKind.EMAILED).exists(),
        timeout=30,
        what="the ready email",
    )
    return latency


@dataclass
class Latencies:
    idle: list[float]
    during_bulk: list[float]
    bulk_count: int
    bulk_seconds: float
    bulk_left_at_last_claim: int  # bulk certificates not yet ready when the last claim was ready

    @property
    def ratio(self) -> float:
        return statistics.median(self.during_bulk) / statistics.median(self.idle)


def learner_latencies(*, course, bulk_course, claims: int, bulk_count: int) -> Latencies:
    from django.contrib.auth import get_user_model

    from certificates.batch_services import certificates_issue_request
    from certificates.models import Certificate, CertificateBatch, CertificateBatchStatus, CertificateStatus

    idle = [claim_to_ready(enrollment) for enrollment in make_completed_enrollments(claims, course=course, tag="idle")]
    make_completed_enrollments(bulk_count, course=bulk_course, tag="bulk")
    learners = make_completed_enrollments(claims, course=course, tag="busy")
    administrator = get_user_model().objects.create(
        username="bench-admin@bench.invalid", email="bench-admin@bench.invalid", is_staff=True
    )
    started = time.perf_counter()
    batch = certificates_issue_request(course=bulk_course, actor=administrator)
    bulk = Certificate.objects.filter(course=bulk_course)
    # The claims start once the bulk renders are under way, as a learner's would in the middle of it.
    wait_until(
        lambda: bulk.filter(status=CertificateStatus.READY).exists(),
        timeout=120,
        what="the bulk issue's first certificate",
    )
    during = []
    for enrollment in learners:
        during.append(claim_to_ready(enrollment))
    left = bulk_count - bulk.filter(status=CertificateStatus.READY).count()
    wait_until(
        lambda: (
            CertificateBatch.objects.get(pk=batch.pk).status == CertificateBatchStatus.DONE
            and bulk.filter(status=CertificateStatus.READY).count() == bulk_count
        ),
        timeout=max(600, bulk_count * 2),
        every=0.2,
        what="the bulk issue",
    )
    return Latencies(
        idle=idle,
        during_bulk=during,
        bulk_count=bulk_count,
        bulk_seconds=time.perf_counter() - started,
        bulk_left_at_last_claim=left,
    )
