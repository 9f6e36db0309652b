import pytest

from programs.models import PROGRAM_DIRECTORS_GROUP
from tests.factories import StaffFactory
from tests.mentoring.factories import MentorPairingFactory
from tests.programs.factories import CohortFactory


@pytest.fixture
def director(db):
    # StaffFactory with the group passed in: DirectorFactory's class-level `groups` list
    # replaces StaffFactory's post-generation hook, so it cannot be created as it stands.
    return StaffFactory(email="director@example.org", groups=[PROGRAM_DIRECTORS_GROUP])


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def pairing(cohort):
    return MentorPairingFactory(participant__cohort=cohort)


def signed_in(client, user):
    client.force_login(user)
    return client
