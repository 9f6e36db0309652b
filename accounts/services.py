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


DEMO_ADMIN_EMAIL = "admin@docere.local"
DEMO_ADMIN_PASSWORD = "docere-admin-demo"  # noqa: S105 — demo only; seed_demo refuses to run with DEBUG off
DEMO_LEARNER_EMAIL = "learner@docere.local"
DEMO_LEARNER_PASSWORD = "docere-learner-demo"  # noqa: S105 — demo only


def _user_with_verified_email(*, email: str, password: str, **fields):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user, created = User.objects.get_or_create(username=email, defaults={"email": email, **fields})
    if created:
        user.set_password(password)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_accounts_ensure() -> dict:
    """The demo admin (MFA not yet enrolled) and a learner with a complete profile. Idempotent."""
    admin = _user_with_verified_email(
        email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD, is_staff=True, is_superuser=True,
        first_name="Demo", last_name="Administrator",
    )
    learner = _user_with_verified_email(
        email=DEMO_LEARNER_EMAIL, password=DEMO_LEARNER_PASSWORD, first_name="Maya", last_name="Okonkwo-Reyes",
    )
    Profile.objects.get_or_create(
        user=learner,
        defaults={
            "first_name": "Maya",
            "last_name": "Okonkwo-Reyes",
            "certificate_name": "Maya Okonkwo-Reyes, MD",
            "credentials": "MD",
            "profession": "physician",
            "institution": "Riverside University College of Medicine",
            "specialty": "Internal medicine",
            "npi": "1234567893",
            "licence_state": "OH",
            "licence_number": "35.123456",
            "certifying_board": "ABIM",
            "board_id": "123456",
            "birth_month": 4,
            "birth_day": 18,
            "reporting_consent": True,
            "reporting_consent_changed_at": timezone.now(),
        },
    )
    return {"admin": admin, "learner": learner}
