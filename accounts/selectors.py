import copy
from dataclasses import dataclass, field

from accounts.models import Profile


@dataclass(frozen=True)
class CreditReadiness:
    """Whether a learner's CME profile holds what a certificate needs, and what is missing."""

    missing: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return not self.missing


def profile_for(user) -> Profile | None:
    return Profile.objects.filter(user=user).first()


def profile_is_complete_for_credit(user) -> CreditReadiness:
    profile = profile_for(user)
    if profile is None:
        return CreditReadiness(
            missing=["first name", "last name", "full name on certificates", "degree / credentials", "profession"]
        )
    return credit_readiness_of(profile)


def credit_readiness_of(profile: Profile) -> CreditReadiness:
    """What a certificate still lacks in these profile values, saved or not: the profile page
    asks it of what the learner just submitted, so a refused save lists what is really missing."""
    missing = []
    if not profile.first_name.strip():
        missing.append("first name")
    if not profile.last_name.strip():
        missing.append("last name")
    if not profile.certificate_name.strip():
        missing.append("full name on certificates")
    if not profile.credentials:
        missing.append("degree / credentials")
    if not profile.profession:
        missing.append("profession")
    # A physician who agreed to board reporting must be matchable by the board:
    # boards match on name, month/day of birth and an identifier (NPI or licence).
    if profile.is_physician and profile.reporting_consent:
        if not profile.npi and not (profile.licence_state and profile.licence_number):
            missing.append("NPI or state licence")
        if profile.birth_month is None or profile.birth_day is None:
            missing.append("month and day of birth")
    return CreditReadiness(missing=missing)


def credit_readiness_with(*, profile: Profile, changes: dict) -> CreditReadiness:
    """What would still be missing were `changes` (the values a refused form did accept) saved
    on top of the stored profile; nothing is written."""
    preview = copy.copy(profile)
    for name, value in changes.items():
        setattr(preview, name, value)
    return credit_readiness_of(preview)
