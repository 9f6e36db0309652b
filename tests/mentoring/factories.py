"""Mentoring factories.

pairing = MentorPairingFactory()                      # a current pairing, a new cohort's participant
MentorPairingFactory(participant=participant)         # another mentor for the same participant
MentoringMeetingFactory(pairing=pairing, weeks_ago=6)  # logged by the mentor
"""

from datetime import timedelta

import factory
from django.utils import timezone

from mentoring.models import MentoringMeeting, MentorPairing
from tests.factories import UserFactory
from tests.programs.factories import ParticipantFactory


class MentorFactory(UserFactory):
    """A leader in academic medicine with no other role in Docere."""

    email = factory.Sequence(lambda n: f"mentor{n}@example.edu")
    first_name = "Morgan"
    last_name = factory.Sequence(lambda n: f"Mentor{n}")


class MentorPairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorPairing

    participant = factory.SubFactory(ParticipantFactory)
    mentor = factory.SubFactory(MentorFactory)


class MentoringMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringMeeting
        exclude = ("weeks_ago",)

    pairing = factory.SubFactory(MentorPairingFactory)
    weeks_ago = 1
    met_on = factory.LazyAttribute(lambda m: timezone.localdate() - timedelta(weeks=m.weeks_ago))
    duration_minutes = 45
    notes = "Talked through the project charter and who to ask for data access."
    logged_by = factory.LazyAttribute(lambda m: m.pairing.mentor)
