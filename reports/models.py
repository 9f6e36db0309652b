"""The record of what left Docere: every export (who, when, what filter) and, for the
PARS learner file, which completions have already been sent, so each is reported once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from courses.models import Course, Enrollment


class ExportKind(models.TextChoices):
    ENROLLMENTS = "enrollments", "Enrollments"
    COMPLETIONS = "completions", "Completions"
    ATTEMPTS = "attempts", "Post-test attempts"
    EVALUATIONS = "evaluations", "Evaluation responses"
    CERTIFICATES = "certificates", "Certificates"
    PARS_XLSX = "pars_xlsx", "PARS learner file (.xlsx)"
    PARS_TAB = "pars_tab", "PARS learner batch file (tab-delimited)"
    # No longer offered (CSV is not a PARS upload format); kept so earlier files stay on record.
    PARS_CSV = "pars_csv", "PARS learner file (CSV, no longer offered)"
    # A cohort program's report table; which table, which cohort and whether self-identification
    # was included are in `options`.
    PROGRAM_REPORT = "program_report", "Cohort program report"


class ExportLog(models.Model):
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    # The account may be deleted later; the address keeps the audit trail readable.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_email = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text="Other choices made, e.g. include_exported.")
    # Filled in when the last row has been sent; empty means the download did not finish.
    row_count = models.PositiveIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="export_kind_valid", condition=Q(kind__in=ExportKind.values)),
            models.CheckConstraint(
                name="export_period_in_order",
                condition=Q(date_from__isnull=True) | Q(date_to__isnull=True) | Q(date_to__gte=models.F("date_from")),
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="exportlog_created_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.user_email} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_pars(self) -> bool:
        return self.kind in (ExportKind.PARS_XLSX, ExportKind.PARS_TAB, ExportKind.PARS_CSV)


class ParsExportedCompletion(models.Model):
    """One completion written into one PARS file. A completion with any row here is left
    out of the next file unless the administrator asks for already-exported ones again."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="pars_exports")
    export = models.ForeignKey(ExportLog, on_delete=models.PROTECT, related_name="pars_completions")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "export"], name="pars_completion_once_per_file"),
        ]

    def __str__(self) -> str:
        return f"Enrollment {self.enrollment_id} in export {self.export_id}"
