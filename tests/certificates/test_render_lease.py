"""Who may render a certificate, and when a finished render counts: the lease rules the render
task relies on, through the services it calls. A duplicate or stray message must never print
a second copy, and a worker that died must not leave a certificate stuck."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import CertificateEventKind, CertificateStatus
from certificates.rendering import store_pdf

pytestmark = pytest.mark.django_db

FIRST, SECOND = "render-message-1", "render-message-2"


@pytest.fixture
def certificate(physician, completed_enrollment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # each test plays the worker itself
        return services.credit_claim_create(
            enrollment=completed_enrollment, user=physician, credits=Decimal("1.75"), attested=True
        )


def take(certificate, task_id: str, generation: int | None = 1):
    return services.certificate_mark_rendering(certificate_id=certificate.pk, generation=generation, task_id=task_id)


def finish(certificate, task_id: str, *, generation: int = 1, pdf: bytes = b"%PDF-1.7 one", replaces: str = ""):
    stored = store_pdf(code=certificate.code, generation=generation, pdf=pdf)
    return services.certificate_mark_ready(
        certificate_id=certificate.pk,
        generation=generation,
        task_id=task_id,
        path=stored.path,
        size=stored.size,
        sha256=stored.sha256,
        replaces=replaces,
    )


def kinds(certificate) -> list[str]:
    return list(certificate.events.order_by("pk").values_list("kind", flat=True))


def test_a_queued_certificate_is_taken_with_its_snapshot_and_its_try_counted(certificate):
    taken = take(certificate, FIRST)

    assert taken.status == CertificateStatus.RENDERING
    assert taken.rendering_task_id == FIRST and taken.render_tries == 1
    assert taken.learner_name == certificate.learner_name, "the snapshot to print comes with the lease"
    # Read back with each field's own conversions: an aware time, an exact decimal, a date.
    assert abs(taken.rendering_started_at - timezone.now()) < timedelta(minutes=1)
    assert taken.credits == Decimal("1.75") and taken.completion_date == certificate.completion_date
    assert kinds(certificate) == ["created"], "taking the lease is on the row, not in the history"


def test_another_message_waits_while_the_lease_is_live(certificate):
    take(certificate, FIRST)

    assert take(certificate, SECOND) is None
    certificate.refresh_from_db()
    assert certificate.rendering_task_id == FIRST and certificate.render_tries == 1


def test_the_same_message_redelivered_after_its_worker_died_takes_over_at_once(certificate):
    take(certificate, FIRST)

    taken = take(certificate, FIRST)

    assert taken.render_tries == 2
    assert kinds(certificate) == ["created", "redelivered"]
    assert certificate.events.get(kind=CertificateEventKind.REDELIVERED).detail == "try 2"


def test_another_message_takes_over_a_lease_older_than_the_render_time_limit(certificate, settings):
    take(certificate, FIRST)
    stuck_since = timezone.now() - timedelta(seconds=settings.CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS + 1)
    type(certificate).objects.filter(pk=certificate.pk).update(rendering_started_at=stuck_since)

    taken = take(certificate, SECOND)

    assert taken.rendering_task_id == SECOND and taken.render_tries == 2
    assert kinds(certificate) == ["created", "redelivered"]


@pytest.mark.parametrize("generation", [2, 0])
def test_a_message_for_another_generation_takes_nothing(certificate, generation):
    assert take(certificate, FIRST, generation=generation) is None
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING and certificate.render_tries == 0


def test_a_message_from_before_generations_existed_renders_the_current_one(certificate):
    assert take(certificate, FIRST, generation=None).render_generation == 1


def test_a_ready_or_revoked_certificate_is_never_taken(certificate, private_media):
    take(certificate, FIRST)
    assert finish(certificate, FIRST) is True
    assert take(certificate, SECOND) is None

    services.certificate_revoke(certificate=certificate, actor=None, reason="Issued in error")
    assert take(certificate, SECOND) is None
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED


def test_a_finished_render_records_its_file_once_and_keeps_the_first_issue_date(
    certificate, private_media, django_capture_on_commit_callbacks
):
    take(certificate, FIRST)
    with django_capture_on_commit_callbacks(execute=True):
        assert finish(certificate, FIRST, pdf=b"%PDF-1.7 first") is True
    certificate.refresh_from_db()
    first_issued, first_path = certificate.issued_at, certificate.pdf_path
    assert certificate.status == CertificateStatus.READY and certificate.rendering_task_id == ""
    assert certificate.pdf_size == len(b"%PDF-1.7 first")
    assert finish(certificate, FIRST) is False, "a second report of the same render changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_regenerate(certificate=certificate, actor=None)
    regenerated = take(certificate, SECOND, generation=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert finish(certificate, SECOND, generation=2, replaces=regenerated.pdf_path) is True

    certificate.refresh_from_db()
    assert certificate.issued_at == first_issued
    assert certificate.pdf_path != first_path
    assert (private_media / certificate.pdf_path).exists()
    assert not (private_media / first_path).exists(), "the replaced generation's file is removed"
    assert kinds(certificate) == ["created", "rendered", "regenerated", "rendered"]


def test_a_render_that_lost_its_lease_to_a_regeneration_records_nothing_and_its_file_goes(
    certificate, private_media, django_capture_on_commit_callbacks
):
    take(certificate, FIRST)
    with django_capture_on_commit_callbacks(execute=False):
        services.certificate_regenerate(certificate=certificate, actor=None)

    with django_capture_on_commit_callbacks(execute=True):
        assert finish(certificate, FIRST) is False

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING and certificate.pdf_path == ""
    assert not (private_media / "certificates" / f"{certificate.code}-1.pdf").exists()
    assert kinds(certificate) == ["created", "regenerated"]


def test_a_failed_try_sends_the_row_back_to_the_queue_only_while_its_render_holds_the_lease(certificate):
    def fail(task_id: str, *, final: bool = False) -> bool:
        return services.certificate_mark_failed(
            certificate_id=certificate.pk, generation=1, task_id=task_id, error="OSError: disk full", final=final
        )

    take(certificate, FIRST)
    assert fail(SECOND) is False, "a render that never held the lease records nothing"
    assert fail(FIRST) is True

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING and certificate.rendering_task_id == ""
    assert certificate.last_error == "OSError: disk full"
    assert kinds(certificate) == ["created", "failed"]
    assert fail(FIRST) is False, "once given back, the lease is gone"
