"""Optional self-identification, asked with consent and seen only by program directors.

Kept apart from the profile and the application so that withdrawing consent deletes one
row and nothing else; no export includes it unless a director asks for it explicitly."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UrimAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PREFER_NOT = "prefer_not", "I prefer not to say"


class SelfIdentification(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_identification")
    consented_at = models.DateTimeField(default=timezone.now)
    underrepresented_in_medicine = models.CharField(
        "I identify as underrepresented in medicine", max_length=12, choices=UrimAnswer.choices, blank=True
    )
    race_ethnicity = models.CharField("race and ethnicity, in your words", max_length=200, blank=True)
    gender_identity = models.CharField("gender identity, in your words", max_length=100, blank=True)
    first_generation_physician = models.BooleanField("first in my family to become a physician", null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="self_identification_urim_valid",
                condition=Q(underrepresented_in_medicine="") | Q(underrepresented_in_medicine__in=UrimAnswer.values),
            ),
        ]

    def __str__(self) -> str:
        return f"Self-identification of {self.user}"
