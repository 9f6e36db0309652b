"""Factories for the rows tests need; each app's tests add theirs beside these."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

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
