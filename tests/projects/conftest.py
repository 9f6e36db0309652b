import pytest

from mentoring.models import MentorPairing
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, DirectorFactory, ParticipantFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture(autouse=True)
def _final_reports_in_private_media(private_media):
    """Final reports go to a folder of the test's own."""


@pytest.fixture
def facilitator(db):
    return UserFactory(first_name="Farah", last_name="Facilitator")


@pytest.fixture
def cohort(facilitator):
    return CohortFactory(facilitators=[facilitator])


@pytest.fixture
def participant(cohort):
    return ParticipantFactory(cohort=cohort, user=UserFactory(first_name="Amara", last_name="Okafor"))


@pytest.fixture
def project(participant):
    return ProjectFactory(participant=participant, title="Peer mentoring circle")


@pytest.fixture
def submitted_project(participant):
    return ProjectFactory(participant=participant, title="Peer mentoring circle", submitted=True)


@pytest.fixture
def director(db):
    return DirectorFactory()


@pytest.fixture
def outsiders(cohort, participant):
    """Everyone signed in who must not reach the project: a participant of the same cohort, a
    facilitator of another cohort, the participant's own mentor, a plain member."""
    other_participant = ParticipantFactory(cohort=cohort)
    ProjectFactory(participant=other_participant)
    other_facilitator = UserFactory()
    CohortFactory(facilitators=[other_facilitator])
    mentor = UserFactory()
    MentorPairing.objects.create(participant=participant, mentor=mentor)
    return {
        "participant of the same cohort": other_participant.user,
        "facilitator of another cohort": other_facilitator,
        "mentor": mentor,
        "member": UserFactory(),
    }
