"""CSV exports for administrators, streamed row by row so memory stays flat at any size.

Each export is one query read through a server-side cursor (`.iterator(chunk_size=…)`),
written a few hundred rows at a time into the response; nothing holds the whole file.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery

from accounts.models import Profession
from certificates.models import Certificate, CertificateKind, CertificateStatus, CreditType
from courses.models import Attempt, Course, Enrollment, EvaluationResponse, ModuleProgress, QuizKind
from reports.models import ExportKind
from reports.period import Period

CHUNK_ROWS = 500  # rows per round trip from the cursor: under 1 MB held (tests/reports/test_exports.py)
_LABELS = {**dict(Profession.choices), **dict(CreditType.choices), **dict(CertificateStatus.choices)}


def _labelled(rows: Iterable[Sequence], columns: Sequence[int]) -> Iterator[tuple]:
    """Swap stored codes (physician, ama_pra_1, ready) for the words people read."""
    for row in rows:
        row = list(row)
        for index in columns:
            row[index] = _LABELS.get(row[index], row[index])
        yield tuple(row)


ENROLLMENT_HEADER = [
    "Enrollment ID",
    "Learner email",
    "First name",
    "Last name",
    "Profession",
    "Institution",
    "Course",
    "Course title",
    "Enrolled at",
    "Disclosures acknowledged at",
    "Modules completed",
    "Post-test passed at",
    "Evaluation submitted at",
    "Completed at",
    "Credits claimed",
    "Credit type",
    "Certificate code",
    "Certificate status",
]


def _enrollment_rows(enrollments: QuerySet[Enrollment]) -> Iterator[tuple]:
    modules_done = (
        ModuleProgress.objects.filter(enrollment_id=OuterRef("pk"))
        .order_by()
        .values("enrollment_id")
        .annotate(done=Count("pk"))
        .values("done")
    )
    rows = (
        enrollments.annotate(modules_done=Subquery(modules_done, output_field=IntegerField()))
        .order_by("pk")
        .values_list(
            "pk",
            "user__email",
            "user__profile__first_name",
            "user__profile__last_name",
            "user__profile__profession",
            "user__profile__institution",
            "course__slug",
            "course__title",
            "enrolled_at",
            "disclosures_acknowledged_at",
            "modules_done",
            "post_test_passed_at",
            "evaluation_submitted_at",
            "completed_at",
            "credit_claim__credits_claimed",
            "credit_claim__credit_type",
            "certificate__code",
            "certificate__status",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    return _labelled(rows, columns=(4, 15, 17))


def enrollments_rows(*, course: Course | None, period: Period) -> Iterator[tuple]:
    enrollments = Enrollment.objects.filter(**period.moment_filter("enrolled_at"))
    return _enrollment_rows(enrollments.filter(course=course) if course else enrollments)


def completions_rows(*, course: Course | None, period: Period) -> Iterator[tuple]:
    enrollments = Enrollment.objects.filter(completed_at__isnull=False, **period.moment_filter("completed_at"))
    return _enrollment_rows(enrollments.filter(course=course) if course else enrollments)


ATTEMPT_HEADER = [
    "Attempt ID",
    "Enrollment ID",
    "Learner email",
    "Course",
    "Attempt number",
    "Started at",
    "Submitted at",
    "Score %",
    "Passed",
    "Late",
]


def attempts_rows(*, course: Course | None, period: Period) -> Iterator[tuple]:
    attempts = Attempt.objects.filter(quiz__kind=QuizKind.POST_TEST, **period.moment_filter("started_at"))
    if course:
        attempts = attempts.filter(quiz__course=course)
    return (
        attempts.order_by("pk")
        .values_list(
            "pk",
            "enrollment_id",
            "enrollment__user__email",
            "quiz__course__slug",
            "number",
            "started_at",
            "submitted_at",
            "score_percent",
            "passed",
            "is_late",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )


# Evaluations are exported without the learner's name or email: the enrollment ID groups one
# learner's answers, and candour about bias is easier when the answers are not signed.
EVALUATION_HEADER = ["Enrollment ID", "Course", "Item code", "Item", "Answer (1–5)", "Text", "Submitted at"]


def evaluations_rows(*, course: Course | None, period: Period) -> Iterator[tuple]:
    responses = EvaluationResponse.objects.filter(**period.moment_filter("submitted_at"))
    if course:
        responses = responses.filter(item__course=course)
    return (
        responses.order_by("pk")
        .values_list(
            "enrollment_id",
            "item__course__slug",
            "item__code",
            "item__prompt",
            "likert_value",
            "text",
            "submitted_at",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )


CERTIFICATE_HEADER = [
    "Certificate code",
    "Status",
    "Learner name",
    "Learner email",
    "Course",
    "Course title",
    "Credit type",
    "Credits",
    "Completion date",
    "Issued at",
    "Revoked at",
]


def certificates_rows(*, course: Course | None, period: Period) -> Iterator[tuple]:
    # Credit certificates only: a program certificate of completion is for no course.
    certificates = Certificate.objects.filter(kind=CertificateKind.CME_CREDIT, **period.day_filter("completion_date"))
    if course:
        certificates = certificates.filter(course=course)
    rows = (
        certificates.order_by("pk")
        .values_list(
            "code",
            "status",
            "learner_name",
            "user__email",
            "course__slug",
            "course_title",
            "credit_type",
            "credits",
            "completion_date",
            "issued_at",
            "revoked_at",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )
    return _labelled(rows, columns=(1, 6))


@dataclass(frozen=True)
class CsvExport:
    kind: str
    slug: str
    header: list[str]
    rows: Callable[..., Iterator[tuple]]
    period_rule: str  # what the date range is applied to, shown beside the download link


CSV_EXPORTS = {
    export.slug: export
    for export in [
        CsvExport(
            ExportKind.ENROLLMENTS,
            "enrollments",
            ENROLLMENT_HEADER,
            enrollments_rows,
            "enrollments that began in the period",
        ),
        CsvExport(
            ExportKind.COMPLETIONS,
            "completions",
            ENROLLMENT_HEADER,
            completions_rows,
            "enrollments completed in the period",
        ),
        CsvExport(
            ExportKind.ATTEMPTS, "attempts", ATTEMPT_HEADER, attempts_rows, "post-test attempts started in the period"
        ),
        CsvExport(
            ExportKind.EVALUATIONS,
            "evaluations",
            EVALUATION_HEADER,
            evaluations_rows,
            "evaluation answers submitted in the period",
        ),
        CsvExport(
            ExportKind.CERTIFICATES,
            "certificates",
            CERTIFICATE_HEADER,
            certificates_rows,
            "certificates whose completion date is in the period",
        ),
    ]
}


def export_filename(*, slug: str, course: Course | None, period: Period, extension: str = "csv") -> str:
    parts = ["docere", slug, course.slug if course else "all-courses"]
    if period.date_from:
        parts.append(f"from-{period.date_from.isoformat()}")
    if period.date_to:
        parts.append(f"to-{period.date_to.isoformat()}")
    return "-".join(parts) + f".{extension}"
