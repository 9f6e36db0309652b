"""Programs, their cohorts and the people in them.

A program (a resident leadership program, a regularly scheduled series) runs once a year
as a cohort. Capacity is the database's to enforce: a cohort counts its taken seats in a
column the database checks against its capacity, so two directors accepting at the same
moment cannot both take the last seat (see programs/services.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

# Program directors are staff in this group (superusers too); made by migration 0002.
PROGRAM_DIRECTORS_GROUP = "Program directors"
DEFAULT_ATTENDANCE_REQUIRED_PERCENT = 80


def new_calendar_token() -> str:
    # 32 url-safe characters (192 bits): the calendar feed's URL is its only key.
    return secrets.token_urlsafe(24)


class Institution(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text="Used in tight tables, e.g. “Lakeside”.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


class Program(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400, help_text="One or two sentences for the programs list.")
    description = models.TextField(help_text="Markdown: what the program is and what participants do.")
    eligibility = models.TextField("who may apply", help_text="Markdown.")
    how_to_apply = models.TextField(blank=True, help_text="Markdown. Leave blank for the standard wording.")
    institutions = models.ManyToManyField(Institution, related_name="programs", help_text="Participating institutions.")
    attendance_required_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_ATTENDANCE_REQUIRED_PERCENT,
        help_text="The share of a cohort's live sessions a participant attends to complete the program.",
    )
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="program_attendance_percent_range",
                condition=Q(attendance_required_percent__gte=0) & Q(attendance_required_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])


class Cohort(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="cohorts")
    year = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    applications_open_at = models.DateTimeField()
    applications_close_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(help_text="Participants this cohort accepts.")
    # Accepted participants plus open offers: written only with F() updates under the
    # cohort_seats_within_capacity check, so the database refuses the seat past capacity.
    seats_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    offer_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days a waitlisted applicant has to take up a place that opened up."
    )
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_cohorts")

    class Meta:
        ordering = ["program", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="one_cohort_per_program_and_year"),
            models.CheckConstraint(name="cohort_ends_after_it_starts", condition=Q(end_date__gte=F("start_date"))),
            models.CheckConstraint(
                name="cohort_applications_close_after_they_open",
                condition=Q(applications_close_at__gt=F("applications_open_at")),
            ),
            models.CheckConstraint(name="cohort_capacity_positive", condition=Q(capacity__gt=0)),
            models.CheckConstraint(name="cohort_seats_within_capacity", condition=Q(seats_taken__lte=F("capacity"))),
        ]

    def __str__(self) -> str:
        return f"{self.program.title} {self.year}"

    def accepts_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return self.applications_open_at <= now < self.applications_close_at

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


class ParticipantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Participant(models.Model):
    """A resident accepted into a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="participants")
    application = models.OneToOneField(
        "programs.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="participant"
    )
    status = models.CharField(max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE)
    joined_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The program certificate of completion; one per participant, and never another's.
    certificate = models.OneToOneField(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="program_participant",
    )
    # The secret in the participant's calendar feed URL; resetting it cuts off old subscriptions.
    calendar_token = models.CharField(max_length=43, unique=True, default=new_calendar_token)

    class Meta:
        ordering = ["cohort", "institution__name", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_participation_per_cohort_and_user"),
            models.CheckConstraint(name="participant_status_valid", condition=Q(status__in=ParticipantStatus.values)),
            models.CheckConstraint(
                name="withdrawn_participant_says_when",
                condition=~Q(status=ParticipantStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
            ),
            models.CheckConstraint(
                name="completed_participant_says_when",
                condition=~Q(status=ParticipantStatus.COMPLETED) | Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.email} ({self.cohort})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.email
