import pytest

from tests.mentoring.factories import MentorPairingFactory
from tests.programs.factories import CohortFactory, DirectorFactory


@pytest.fixture
def director(db):
    return DirectorFactory()


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def pairing(cohort):
    return MentorPairingFactory(participant__cohort=cohort)
