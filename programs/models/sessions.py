"""A cohort's curriculum: Docere courses and live sessions, in order, and who attended.

A live session designated for credit is a CME activity of its own: `credit_activity` is a
course (live format, never listed in the catalog) that holds its faculty and disclosures,
its evaluation and its maximum credits, so attendance credit goes through the same
enrolment, claim, certificate and PARS machinery as a self-paced course."""

import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from courses.models import Course
from programs.models.programs import Cohort, Participant

# Check-in opens a little before the start (people arrive early) and closes a little after
# the end (the last slide runs over); outside that window a code is refused.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=15)
CHECK_IN_CLOSES_AFTER = timedelta(minutes=30)
# No 0/O, 1/I/L: read aloud from a slide and typed on a phone.
CHECK_IN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_IN_CODE_LENGTH = 6


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as America/Chicago.")


class LiveSession(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="live_sessions")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, default="America/New_York", validators=[validate_time_zone])
    location = models.CharField(max_length=300, blank=True, help_text="Room and building, for an in-person session.")
    video_url = models.URLField("video link", blank=True, help_text="For an online or hybrid session.")
    agenda = models.TextField(blank=True, help_text="Markdown.")
    credit_activity = models.OneToOneField(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="live_session"
    )
    check_in_code = models.CharField(max_length=CHECK_IN_CODE_LENGTH, default=new_check_in_code)
    # iCalendar SEQUENCE: goes up whenever the time or place changes, so calendars update.
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(name="live_session_ends_after_it_starts", condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(name="live_session_has_a_place", condition=~Q(location="") | ~Q(video_url="")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_designated_for_credit(self) -> bool:
        return self.credit_activity_id is not None

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    def check_in_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at - CHECK_IN_OPENS_BEFORE <= now <= self.ends_at + CHECK_IN_CLOSES_AFTER


class CurriculumItem(models.Model):
    """One step of a cohort's curriculum: a Docere course or a live session."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="curriculum")
    position = models.PositiveSmallIntegerField()
    course = models.ForeignKey(Course, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    live_session = models.OneToOneField(
        LiveSession, on_delete=models.CASCADE, null=True, blank=True, related_name="curriculum_item"
    )
    due_date = models.DateField(null=True, blank=True, help_text="For a course: when it should be complete.")

    class Meta:
        ordering = ["cohort", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "position"], name="curriculum_position_unique_per_cohort"),
            models.UniqueConstraint(
                fields=["cohort", "course"], condition=Q(course__isnull=False), name="curriculum_course_once_per_cohort"
            ),
            models.CheckConstraint(
                name="curriculum_item_is_a_course_or_a_session",
                condition=(Q(course__isnull=False) & Q(live_session__isnull=True))
                | (Q(course__isnull=True) & Q(live_session__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.course or self.live_session}"


class AttendanceMethod(models.TextChoices):
    ROSTER = "roster", "Marked by a facilitator"
    CHECK_IN = "check_in", "Checked in with the session code"


class Attendance(models.Model):
    """A participant was at a live session. No row: not (yet) recorded as attending."""

    # A session someone attended is not deleted: its attendance backs certificates and completion.
    session = models.ForeignKey(LiveSession, on_delete=models.PROTECT, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    method = models.CharField(max_length=10, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["session", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="one_attendance_per_session_and_participant"
            ),
            models.CheckConstraint(name="attendance_method_valid", condition=Q(method__in=AttendanceMethod.values)),
        ]

    def __str__(self) -> str:
        return f"{self.participant} at {self.session}"
