"""Credit claims and CME certificates.

A certificate row is the truth about a certificate: the queue only carries hints to
render it. Everything printed is frozen on the row when credit is claimed, so a later
course edit never changes an issued certificate; a name correction reaches it only
through an explicit regeneration.
"""

import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from courses.credit_wording import AMA_PRA_CATEGORY_1_CREDIT, credit_amount
from courses.credits import validate_credit_step
from courses.models import Course, Enrollment

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped is unambiguous.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits from `secrets`: unguessable, and short enough to type
CODE_PATTERN = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """Accept what people type: lower case, hyphens, spaces, and look-alike letters."""
    # split() also drops tabs, line breaks and non-breaking spaces pasted from a PDF or an email.
    cleaned = "".join(raw.upper().replace("-", "").split())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


# The name the first migration refers to; the rule itself lives in courses/credits.py.
validate_quarter_step = validate_credit_step


class CreditType(models.TextChoices):
    AMA_PRA_CATEGORY_1 = "ama_pra_1", AMA_PRA_CATEGORY_1_CREDIT
    PARTICIPATION = "participation", "Certificate of participation"


def credit_text(amount: Decimal, credit_type: str) -> str:
    """The amount with its unit, as every page, email, PDF and export writes it."""
    return credit_amount(amount, participation=credit_type == CreditType.PARTICIPATION)


class CreditClaim(models.Model):
    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="credit_claim")
    credit_type = models.CharField(max_length=20, choices=CreditType.choices)
    credits_claimed = models.DecimalField(max_digits=5, decimal_places=2, validators=[validate_quarter_step])
    attested_at = models.DateTimeField()
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(name="claim_credits_positive", condition=Q(credits_claimed__gt=0)),
            models.CheckConstraint(name="claim_credit_type_valid", condition=Q(credit_type__in=CreditType.values)),
        ]

    def __str__(self) -> str:
        return f"{self.credit_text} for {self.enrollment}"

    @property
    def credit_text(self) -> str:
        return credit_text(self.credits_claimed, self.credit_type)


class CertificateKind(models.TextChoices):
    CME_CREDIT = "cme_credit", "CME credit"
    # A cohort program's certificate of completion: no course, no claim, no credit, so it
    # is never counted in credit totals, the transcript or the PARS report.
    PROGRAM_COMPLETION = "program_completion", "Program certificate of completion"


class CertificateStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RENDERING = "rendering", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    REVOKED = "revoked", "Revoked"


class Certificate(models.Model):
    code = models.CharField(
        max_length=CODE_LENGTH,
        unique=True,
        default=new_certificate_code,
        validators=[RegexValidator(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")],
    )
    kind = models.CharField(max_length=20, choices=CertificateKind.choices, default=CertificateKind.CME_CREDIT)
    claim = models.OneToOneField(
        CreditClaim, on_delete=models.PROTECT, null=True, blank=True, related_name="certificate"
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, null=True, blank=True, related_name="certificate"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="certificates")
    status = models.CharField(max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.PENDING)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # The frozen snapshot: exactly what the PDF prints.
    learner_name = models.CharField(max_length=200)
    learner_credentials = models.CharField(max_length=20, blank=True)
    # A program certificate of completion prints its program's title here.
    course_title = models.CharField(max_length=200)
    activity_format = models.CharField(max_length=60)
    provider_name = models.CharField(max_length=200)
    accreditation_statement = models.TextField(blank=True)
    designation_statement = models.TextField(blank=True)
    credit_type = models.CharField(max_length=20, choices=CreditType.choices, blank=True)
    credits = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    completion_date = models.DateField()
    issued_at = models.DateTimeField(null=True, blank=True, help_text="Set once, when first ready.")
    # The stored PDF.
    pdf_path = models.CharField(max_length=200, blank=True)
    pdf_size = models.PositiveIntegerField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    render_tries = models.PositiveIntegerField(default=0)
    # Every regeneration starts a new generation. A render may only complete the generation it
    # started, and each generation has a file of its own, so a late render of an older snapshot
    # (the name before a correction) can neither mark the row ready nor replace a newer file.
    render_generation = models.PositiveIntegerField(default=1)
    # The lease of the render in progress: which task holds it and since when. A redelivery of
    # that same task (its worker died) takes it over at once; any other message waits until the
    # lease has outlived the render task's hard time limit, so one generation is never rendered
    # twice at the same time.
    rendering_started_at = models.DateTimeField(null=True, blank=True)
    rendering_task_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    # The "certificate ready" email owed for the latest rendering: sent, or re-queued by the
    # sweeper (when it last was, so it asks again only after a pause).
    ready_email_sent_at = models.DateTimeField(null=True, blank=True)
    ready_email_queued_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment"], name="one_certificate_per_enrollment"),
            models.CheckConstraint(name="certificate_status_valid", condition=Q(status__in=CertificateStatus.values)),
            # A credit certificate is its course's claim; a completion certificate has none of
            # those and carries no credit, so no credit sum can ever pick it up.
            models.CheckConstraint(
                name="certificate_kind_matches_its_credit",
                condition=(
                    Q(kind=CertificateKind.CME_CREDIT)
                    & Q(claim__isnull=False, enrollment__isnull=False, course__isnull=False, credits__isnull=False)
                    & Q(credit_type__in=CreditType.values)
                )
                | (
                    Q(kind=CertificateKind.PROGRAM_COMPLETION)
                    & Q(claim__isnull=True, enrollment__isnull=True, course__isnull=True, credits__isnull=True)
                    & Q(credit_type="")
                ),
            ),
            # A ready certificate always has its file recorded.
            models.CheckConstraint(
                name="ready_certificate_has_its_pdf",
                condition=~Q(status=CertificateStatus.READY)
                | (~Q(pdf_path="") & Q(pdf_size__gt=0) & ~Q(pdf_sha256="") & Q(issued_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="revoked_certificate_says_when_and_why",
                condition=~Q(status=CertificateStatus.REVOKED) | (Q(revoked_at__isnull=False) & ~Q(revoked_reason="")),
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"], name="certificate_status_age")]

    def __str__(self) -> str:
        return f"{self.code} — {self.learner_name}, {self.course_title}"

    def get_absolute_url(self) -> str:
        return self.verify_path

    @property
    def verify_path(self) -> str:
        return reverse("certificates:verify", args=[self.code])

    @property
    def verify_url(self) -> str:
        return f"{settings.SITE_URL}{self.verify_path}"

    @property
    def display_code(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"

    @property
    def is_final(self) -> bool:
        return self.status in (CertificateStatus.READY, CertificateStatus.FAILED, CertificateStatus.REVOKED)

    @property
    def is_program_completion(self) -> bool:
        return self.kind == CertificateKind.PROGRAM_COMPLETION

    @property
    def is_physician_credit(self) -> bool:
        return self.credit_type == CreditType.AMA_PRA_CATEGORY_1

    @property
    def credit_text(self) -> str:
        return "" if self.credits is None else credit_text(self.credits, self.credit_type)


class CertificateEventKind(models.TextChoices):
    CREATED = "created", "Created"
    # Recorded by earlier releases for every try; a lease is now kept on the row alone.
    RENDERING = "rendering", "Rendering started"
    REDELIVERED = "redelivered", "Picked up again after an interrupted render"
    RENDERED = "rendered", "Rendered"
    FAILED = "failed", "Render failed"
    RETRIED = "retried", "Retried"
    REQUEUED = "requeued", "Re-queued by the sweeper"
    REGENERATED = "regenerated", "Regenerated"
    REVOKED = "revoked", "Revoked"
    EMAILED = "emailed", "Emailed to the learner"


class CertificateEvent(models.Model):
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=CertificateEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M:%S}"


LOOK_UPLOAD_DIR = "certificate-look"


def _private_upload(instance, filename: str) -> str:
    return f"{LOOK_UPLOAD_DIR}/{instance.course_id}/{filename}"


class CertificateLook(models.Model):
    """Per-course appearance of the certificate: logo, signatory and accent colour."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="certificate_look")
    logo = models.ImageField(upload_to=_private_upload, blank=True)
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    signature_image = models.ImageField(upload_to=_private_upload, blank=True)
    accent_colour = models.CharField(
        max_length=7,
        default="#0B5F73",
        validators=[RegexValidator(r"^#[0-9A-Fa-f]{6}$", "Use a hex colour such as #0B5F73.")],
    )

    def __str__(self) -> str:
        return f"Certificate look for {self.course}"


class CertificateBatchKind(models.TextChoices):
    EXPORT = "export", "ZIP of certificates"
    ISSUE = "issue", "Bulk issue for a course"


class CertificateBatchStatus(models.TextChoices):
    PENDING = "pending", "Queued"
    RUNNING = "running", "In progress"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CertificateBatch(models.Model):
    """An administrator's job over many certificates: a ZIP built by the worker, or a bulk
    issue for a course. The row holds the job's progress and outcome; the progress page
    only reads it."""

    kind = models.CharField(max_length=10, choices=CertificateBatchKind.choices)
    status = models.CharField(
        max_length=10, choices=CertificateBatchStatus.choices, default=CertificateBatchStatus.PENDING
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The course a bulk issue was for.",
    )
    certificates = models.ManyToManyField(Certificate, related_name="batches", blank=True)
    total_count = models.PositiveIntegerField(default=0)
    processed_count = models.PositiveIntegerField(default=0)
    # Who was left out and why, as [{"who": …, "why": …}], for the administrator to follow up.
    skipped = models.JSONField(default=list, blank=True)
    file_path = models.CharField(max_length=200, blank=True, help_text="The built ZIP's name in private storage.")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "certificate batch"
        verbose_name_plural = "certificate batches"
        constraints = [
            models.CheckConstraint(name="batch_kind_valid", condition=Q(kind__in=CertificateBatchKind.values)),
            models.CheckConstraint(name="batch_status_valid", condition=Q(status__in=CertificateBatchStatus.values)),
            models.CheckConstraint(
                name="batch_progress_within_total", condition=Q(processed_count__lte=models.F("total_count"))
            ),
            # A finished export always has its file recorded, so "done" means "downloadable".
            models.CheckConstraint(
                name="done_export_has_its_file",
                condition=~Q(kind=CertificateBatchKind.EXPORT, status=CertificateBatchStatus.DONE)
                | (~Q(file_path="") & Q(file_size__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display().lower()})"

    @property
    def is_export(self) -> bool:
        return self.kind == CertificateBatchKind.EXPORT

    @property
    def is_downloadable(self) -> bool:
        return self.is_export and self.status == CertificateBatchStatus.DONE


class TranscriptPdfStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


class TranscriptPdf(models.Model):
    """A learner's transcript as a PDF, rendered by the worker when the learner asks for it.

    One row per learner: asking again starts a new generation, and only the render of the
    current generation may mark the row ready, so a slow older render never shows an older
    transcript. The file lives in the default storage, private to its learner.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="transcript_pdf")
    status = models.CharField(max_length=10, choices=TranscriptPdfStatus.choices, default=TranscriptPdfStatus.PENDING)
    status_changed_at = models.DateTimeField(default=timezone.now)
    generation = models.PositiveIntegerField(default=1)
    file_name = models.CharField(max_length=200, blank=True, help_text="The PDF's name in the default storage.")
    file_size = models.PositiveIntegerField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="transcript_pdf_status_valid", condition=Q(status__in=TranscriptPdfStatus.values)
            ),
            # "Ready" always means "downloadable".
            models.CheckConstraint(
                name="ready_transcript_pdf_has_its_file",
                condition=~Q(status=TranscriptPdfStatus.READY) | (~Q(file_name="") & Q(file_size__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"Transcript PDF of {self.user} ({self.get_status_display().lower()})"

    @property
    def is_pending(self) -> bool:
        return self.status == TranscriptPdfStatus.PENDING
