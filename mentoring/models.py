"""Mentors paired with program participants, and the meetings either side logs.

A mentor is any signed-in person a director pairs with a participant: a leader in academic
medicine who may have no other role in Docere. Meeting notes are private to the pair and
to program directors."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from programs.models import Participant


class MentorPairing(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="mentor_pairings")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mentees")
    paired_at = models.DateTimeField(default=timezone.now)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["participant", "paired_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "mentor"],
                condition=Q(ended_at__isnull=True),
                name="one_current_pairing_per_participant_and_mentor",
            ),
            models.CheckConstraint(
                name="pairing_ends_after_it_starts",
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("paired_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.participant}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class MentoringMeeting(models.Model):
    pairing = models.ForeignKey(MentorPairing, on_delete=models.CASCADE, related_name="meetings")
    met_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="Private to the two of you and the program directors.")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pairing", "-met_on"]
        constraints = [
            models.CheckConstraint(
                name="meeting_duration_positive", condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing} on {self.met_on}"
