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
        return CreditReadiness(missing=["first name", "last name", "full name on certificates",
                                        "degree / credentials", "profession"])
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
        if profile.birth_month is None:
            missing.append("month and day of birth")
    return CreditReadiness(missing=missing)
