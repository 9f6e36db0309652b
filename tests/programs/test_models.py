"""The invariants the database keeps for programs, whatever code writes the rows."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from programs.models import Cohort
from tests.programs.factories import ApplicationFactory, CohortFactory, LiveSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_seat_past_the_cohorts_capacity():
    cohort = CohortFactory(capacity=1)
    ParticipantFactory(cohort=cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=cohort.pk).update(seats_taken=F("seats_taken") + 1)
    cohort.refresh_from_db()
    assert cohort.seats_taken == 1 and cohort.seats_left == 0


def test_one_application_per_person_and_cohort():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(cohort=application.cohort, applicant=application.applicant)


def test_a_live_session_needs_a_place_to_meet():
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveSessionFactory(location="", video_url="")


def test_a_director_is_staff_in_the_program_directors_group_with_a_second_factor():
    from programs.access import is_program_director
    from tests.programs.factories import DirectorFactory

    director = DirectorFactory()
    assert director.is_staff and is_program_director(director) and director.totp_secret
