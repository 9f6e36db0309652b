"""Applications to a cohort, and how a director decides on them."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from programs.models.programs import Cohort, Institution

SUPPORT_LETTER_DIR = "programs/support-letters"
SUPPORT_LETTER_MAX_BYTES = 5 * 1024 * 1024


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    WAITLISTED = "waitlisted", "Waitlisted"
    # A waitlisted applicant offered a place that opened up: the seat is held for them
    # until `offer_expires_at`.
    OFFERED = "offered", "Place offered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The statuses that hold one of the cohort's seats.
SEAT_HOLDING_STATUSES = (ApplicationStatus.OFFERED, ApplicationStatus.ACCEPTED)


def support_letter_upload_to(application: "Application", filename: str) -> str:
    # Never the applicant's file name in the path: it is theirs, and may say too much.
    return f"{SUPPORT_LETTER_DIR}/{application.cohort_id}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class Application(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="applications")
    residency_program = models.CharField(max_length=200, help_text="e.g. “Internal Medicine”.")
    training_year = models.PositiveSmallIntegerField(
        "year of training (PGY)", validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    statement = models.TextField(help_text="Why you are applying and what you hope to lead at your institution.")
    support_letter = models.FileField(
        upload_to=support_letter_upload_to,
        validators=[FileExtensionValidator(["pdf"])],
        help_text="A PDF letter of support from your program director, up to 5 MB.",
    )
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True, help_text="Private to program directors.")
    # Waitlist order: first waitlisted, first offered.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # The decision e-mail owed to the applicant, and when it went.
    decision_email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "applicant"], name="one_application_per_cohort_and_person"),
            models.CheckConstraint(name="application_status_valid", condition=Q(status__in=ApplicationStatus.values)),
            models.CheckConstraint(
                name="application_training_year_range", condition=Q(training_year__gte=1) & Q(training_year__lte=8)
            ),
            models.CheckConstraint(
                name="waitlisted_application_has_its_place",
                condition=~Q(status=ApplicationStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
            ),
            models.CheckConstraint(
                name="offered_application_says_until_when",
                condition=~Q(status=ApplicationStatus.OFFERED)
                | (Q(offered_at__isnull=False) & Q(offer_expires_at__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status", "waitlisted_at"], name="application_queue")]

    def __str__(self) -> str:
        return f"{self.applicant} → {self.cohort} ({self.get_status_display()})"

    @property
    def holds_a_seat(self) -> bool:
        return self.status in SEAT_HOLDING_STATUSES
