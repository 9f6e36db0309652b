"""Writes for optional self-identification: saved only with consent, deleted (not blanked)
when consent is withdrawn."""

from django.db import transaction
from django.utils import timezone

from programs.models import Application, Participant, SelfIdentification


class ConsentRequiredError(Exception):
    """Answers were offered without the consent that lets us keep them."""


def can_self_identify(user) -> bool:
    """Anyone who has applied to a program or takes part in one."""
    if not user.is_authenticated:
        return False
    return Application.objects.filter(applicant=user).exists() or Participant.objects.filter(user=user).exists()


def self_identification_save(
    *,
    user,
    consented: bool,
    underrepresented_in_medicine: str,
    race_ethnicity: str,
    gender_identity: str,
    first_generation_physician: bool | None,
) -> SelfIdentification:
    if not consented:
        raise ConsentRequiredError("Tick the consent box to save your answers; without it nothing is stored.")
    with transaction.atomic():
        answers, created = SelfIdentification.objects.select_for_update().get_or_create(
            user=user,
            defaults={"consented_at": timezone.now()},
        )
        answers.underrepresented_in_medicine = underrepresented_in_medicine
        answers.race_ethnicity = race_ethnicity.strip()
        answers.gender_identity = gender_identity.strip()
        answers.first_generation_physician = first_generation_physician
        answers.save()
    return answers


def self_identification_withdraw(*, user) -> bool:
    """Delete the answers and the consent with them. True if there was anything to delete."""
    deleted, _ = SelfIdentification.objects.filter(user=user).delete()
    return deleted > 0
