"""The learner's transcript as a PDF: asked for in a request, rendered by the worker on the
learners' `certificates` queue, kept in the default storage until asked for again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.selectors import profile_for
from certificates import rendering, selectors
from certificates.models import TranscriptPdf, TranscriptPdfStatus
from certificates.services import queue_task
from certificates.sweep_services import stuck_rows_requeue

logger = logging.getLogger(__name__)

TRANSCRIPT_DIR = "transcripts"


def _queue(transcript: TranscriptPdf) -> None:
    from certificates.tasks import render_transcript

    queue_task(render_transcript, transcript.pk, transcript.generation)


def transcript_pdf_request(*, user) -> TranscriptPdf:
    """Ask the worker for a fresh PDF of the learner's transcript. A request while one is
    still being prepared changes nothing: that render already prints everything claimed."""
    with transaction.atomic():
        transcript, created = TranscriptPdf.objects.select_for_update().get_or_create(user=user)
        if not created:
            if transcript.is_pending:
                return transcript
            transcript.generation += 1
            transcript.status = TranscriptPdfStatus.PENDING
            transcript.status_changed_at = timezone.now()
            transcript.last_error = ""
            transcript.save(update_fields=["generation", "status", "status_changed_at", "last_error"])
        transaction.on_commit(lambda: _queue(transcript))
    return transcript


def _current(transcript_id: int, generation: int) -> TranscriptPdf | None:
    """The row, locked, while this generation is the one still being prepared; else None."""
    return (
        TranscriptPdf.objects.select_for_update()
        .select_related("user")
        .filter(pk=transcript_id, generation=generation, status=TranscriptPdfStatus.PENDING)
        .first()
    )


def transcript_pdf_render(*, transcript_id: int, generation: int) -> TranscriptPdf | None:
    """Render and store one generation, then mark the row ready. None when there is nothing to
    do: already ready, superseded by a newer request, or gone (a redelivered message)."""
    with transaction.atomic():
        transcript = _current(transcript_id, generation)
    if transcript is None:
        return None
    user = transcript.user
    generated_at = timezone.now()
    html = render_to_string(
        "certificates/pdf/transcript.html",
        {
            "transcript": selectors.transcript_for(user=user),
            "profile": profile_for(user),
            "user": user,
            "generated_at": generated_at,
        },
    )
    pdf = rendering.html_to_pdf(html)
    # The storage picks a free name, so a retried render never overwrites a file a row names.
    name = default_storage.save(f"{TRANSCRIPT_DIR}/transcript-{user.pk}-{generation}.pdf", ContentFile(pdf))
    with transaction.atomic():
        transcript = _current(transcript_id, generation)
        if transcript is None:
            transaction.on_commit(lambda: default_storage.delete(name))
            return None
        previous = transcript.file_name
        transcript.status = TranscriptPdfStatus.READY
        transcript.status_changed_at = timezone.now()
        transcript.file_name, transcript.file_size, transcript.generated_at = name, len(pdf), generated_at
        transcript.save()
        if previous and previous != name:
            transaction.on_commit(lambda: default_storage.delete(previous))
    return transcript


def transcript_pdf_fail(*, transcript_id: int, generation: int, error: str) -> None:
    with transaction.atomic():
        transcript = _current(transcript_id, generation)
        if transcript is None:
            return
        transcript.status = TranscriptPdfStatus.FAILED
        transcript.status_changed_at = timezone.now()
        transcript.last_error = error[:2000]
        transcript.save(update_fields=["status", "status_changed_at", "last_error"])


def transcript_pdfs_sweep(*, now=None) -> int:
    """Queue again the transcripts still being prepared long after they were asked for (the
    broker lost the message, or the worker died mid-render)."""
    now = now or timezone.now()
    stuck = TranscriptPdf.objects.filter(
        status=TranscriptPdfStatus.PENDING,
        status_changed_at__lt=now - timedelta(seconds=settings.CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS),
    )
    return stuck_rows_requeue(stuck, now=now, queue=_queue)
