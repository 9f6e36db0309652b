from django.db import transaction
from django.utils import timezone

from accounts.models import Profile


def profile_ensure(*, user) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, changes: dict) -> Profile:
    """Apply validated changes to a learner's own profile.

    Consent to report completions must be traceable: the moment it was given or
    withdrawn is recorded whenever it changes.
    """
    consent_before = profile.reporting_consent
    for name, value in changes.items():
        setattr(profile, name, value)
    if profile.reporting_consent != consent_before:
        profile.reporting_consent_changed_at = timezone.now()
    profile.full_clean()
    profile.save()
    return profile
