"""Factories for the people tests need (learners, staff); the course factories, and the
recipes built on them, are in tests/courses/factories.py."""

import factory
import pyotp
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import Profile

PASSWORD = "a-Long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A user who can sign in: password set and email verified."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"educator{n}@example.org")
    username = factory.SelfAttribute("email")
    first_name = "Ada"
    last_name = "Learner"

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=extracted is not False, primary=True)


class StaffFactory(UserFactory):
    """A staff member with a second factor enrolled, as the admin and the reports require.

    StaffFactory(groups=["Course authors"])      # its TOTP secret: user.totp_secret
    StaffFactory(totp=False)                     # no second factor enrolled yet
    """

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    is_staff = True

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        # get_or_create: a transactional test earlier in the run empties the groups the migrations made.
        if create and extracted:
            user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))

    @factory.post_generation
    def totp(user, create, extracted, **kwargs):
        if extracted is False:
            return
        user.totp_secret = extracted or pyotp.random_base32()
        if create and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, user.totp_secret)


class ProfileFactory(factory.django.DjangoModelFactory):
    """A complete CME profile of a physician who consents to board reporting."""

    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    first_name = "Ada"
    last_name = "Learner"
    certificate_name = "Ada Learner, MD"
    credentials = "MD"
    profession = "physician"
    institution = "Lakeside School of Medicine"
    specialty = "Pediatrics"
    npi = "1234567893"
    licence_state = "OH"
    licence_number = "35.000001"
    certifying_board = "ABP"
    board_id = "777777"
    birth_month = 2
    birth_day = 29
    reporting_consent = True
