"""A worker killed while writing a certificate PDF or a ZIP export leaves its temporary file
behind; the periodic sweeper removes it once it is clearly abandoned, and nothing else."""

import os
import time

from certificates.rendering import store_pdf
from certificates.tasks import sweep_temporary_files

TWO_HOURS = 2 * 60 * 60


def _left_behind(path, *, age_seconds: float = 0):
    """A temporary file as a killed writer leaves it, last written `age_seconds` ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 half a certificate")
    written_at = time.time() - age_seconds
    os.utime(path, (written_at, written_at))
    return path


def test_sweeper_removes_abandoned_temporary_files_and_keeps_the_rest(private_media):
    issued = store_pdf(code="K7MP4QRT", generation=1, pdf=b"%PDF-1.7 an issued certificate")
    issued_pdf = private_media / issued.path
    os.utime(issued_pdf, (time.time() - TWO_HOURS, time.time() - TWO_HOURS))
    abandoned_render = _left_behind(private_media / "certificates" / ".K7MP4QRT.x81ks0ap.tmp", age_seconds=TWO_HOURS)
    abandoned_export = _left_behind(private_media / "exports" / ".batch-12.q0w9e8r7.tmp", age_seconds=TWO_HOURS)
    being_written = _left_behind(private_media / "certificates" / ".H3JX9WZD.m2n3b4v5.tmp", age_seconds=60)
    export_being_written = _left_behind(private_media / "exports" / ".batch-13.a1s2d3f4.tmp", age_seconds=20 * 60)

    removed = sweep_temporary_files()

    assert removed == 2
    assert not abandoned_render.exists() and not abandoned_export.exists()
    assert being_written.exists() and export_being_written.exists()
    assert issued_pdf.read_bytes() == b"%PDF-1.7 an issued certificate"


def test_sweeper_has_nothing_to_do_before_any_certificate_was_stored(private_media):
    assert sweep_temporary_files() == 0


def test_beat_runs_the_temporary_file_sweeper(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "certificates.sweep_temporary_files" in tasks
