"""A name correction is never lost to a render that started before it.

The render task runs here in this process, through its public entry point. To land the
second correction exactly while the first render is writing its file, the test acts at the
filesystem boundary: the moment the render syncs its PDF to disk.
"""

import hashlib
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from accounts.models import Profile
from certificates import services
from certificates.models import CertificateEventKind, CertificateStatus
from certificates.tasks import render_certificate

pytestmark = pytest.mark.django_db


def printed_text(path: Path) -> str:
    return PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()


def test_a_render_finishing_after_a_newer_name_correction_neither_marks_it_ready_nor_replaces_its_file(
    physician, completed_enrollment, private_media, monkeypatch, django_capture_on_commit_callbacks
):
    certificate = services.credit_claim_create(
        enrollment=completed_enrollment, user=physician, credits=Decimal("1.75"), attested=True
    )
    render_certificate.apply(args=[certificate.pk])

    Profile.objects.filter(user=physician).update(certificate_name="Name One")
    with django_capture_on_commit_callbacks(execute=False):  # the queued message is played below, by hand
        services.certificate_regenerate(certificate=certificate, actor=None)

    real_fsync = os.fsync
    second_correction_done = False

    def second_correction_while_the_first_render_writes(descriptor):
        """The worker is writing the "Name One" PDF when the administrator corrects the name
        again; that render is queued and finishes first, then the "Name One" render resumes."""
        nonlocal second_correction_done
        if not second_correction_done:
            second_correction_done = True
            Profile.objects.filter(user=physician).update(certificate_name="Name Two")
            with django_capture_on_commit_callbacks(execute=False):
                services.certificate_regenerate(certificate=certificate, actor=None)
            render_certificate.apply(args=[certificate.pk])
        return real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", second_correction_while_the_first_render_writes)
    render_certificate.apply(args=[certificate.pk])  # the "Name One" render, finishing last
    assert second_correction_done

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY
    assert certificate.learner_name == "Name Two"
    on_disk = private_media / certificate.pdf_path
    text = printed_text(on_disk)
    assert "Name Two" in text and "Name One" not in text
    assert certificate.pdf_sha256 == hashlib.sha256(on_disk.read_bytes()).hexdigest()
    assert certificate.pdf_size == on_disk.stat().st_size
    kinds = [event.kind for event in certificate.events.all()]
    last_correction = len(kinds) - 1 - kinds[::-1].index(CertificateEventKind.REGENERATED)
    assert kinds[last_correction:] == ["regenerated", "rendered"], "the late render recorded nothing"
