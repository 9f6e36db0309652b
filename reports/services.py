"""Writes for the reports: the export log, and the record of completions sent to PARS."""

from django.db import transaction
from django.utils import timezone

from courses.models import Course
from reports import pars
from reports.models import ExportKind, ExportLog, ParsExportedCompletion
from reports.pars_export import ParsPreview, pars_preview
from reports.period import Period

PARS_FILE_KINDS = {"xlsx": ExportKind.PARS_XLSX, "tab": ExportKind.PARS_TAB}


class ParsExportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def export_log_create(
    *, user, kind: str, course: Course | None, period: Period, options: dict | None = None, row_count: int | None = None
) -> ExportLog:
    """Record an export before its first byte leaves, so an interrupted download is still on record."""
    finished = row_count is not None
    return ExportLog.objects.create(
        kind=kind,
        user=user,
        user_email=user.email,
        course=course,
        date_from=period.date_from,
        date_to=period.date_to,
        options=options or {},
        row_count=row_count,
        finished_at=timezone.now() if finished else None,
    )


def export_log_finish(*, log: ExportLog, row_count: int) -> None:
    ExportLog.objects.filter(pk=log.pk).update(row_count=row_count, finished_at=timezone.now())


def pars_export_create(
    *, user, course: Course, period: Period, include_exported: bool, file_format: str
) -> tuple[ExportLog, list[pars.ParsLearner]]:
    """Choose the completions for a PARS file and record them as exported, atomically.

    Exports for one course are serialised on the course row, so two administrators
    pressing the button together cannot both send the same completion.
    """
    kind = PARS_FILE_KINDS[file_format]
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()
        preview: ParsPreview = pars_preview(course=course, period=period, include_exported=include_exported)
        if preview.course_problems:
            raise ParsExportError(" ".join(preview.course_problems))
        learners = preview.ready
        if not learners:
            raise ParsExportError(
                "No completion is ready to report: nothing new in this period, or every "
                "record still lacks something (see the validation report)."
            )
        log = export_log_create(
            user=user,
            kind=kind,
            course=course,
            period=period,
            options={"include_exported": include_exported},
            row_count=len(learners),
        )
        ParsExportedCompletion.objects.bulk_create(
            [ParsExportedCompletion(enrollment_id=learner.enrollment_id, export=log) for learner in learners],
            batch_size=1000,
        )
    return log, learners
