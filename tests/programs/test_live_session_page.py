"""The session page: when and where, the agenda, and for a session designated for credit the
faculty's disclosures, which a participant acknowledges before the session (ACCME Std 3)."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from tests.courses.factories import CourseFactory, DisclosureFactory, FacultyFactory
from tests.factories import UserFactory
from tests.programs.factories import CohortFactory, LiveSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit_session():
    course = CourseFactory(is_listed=False, status="draft", faculty=0)
    presenter = FacultyFactory(course=course, name="Grace Okafor", disclosures=0)
    DisclosureFactory(
        faculty=presenter,
        has_no_relevant_relationships=False,
        ineligible_company="Acme Devices",
        relationship="Advisory board",
        is_mitigated=True,
    )
    facilitator = UserFactory()
    cohort = CohortFactory(facilitators=[facilitator])
    session = LiveSessionFactory(
        cohort=cohort,
        credit_activity=course,
        video_url="https://video.example.org/room",
        agenda="## Plan\n\n- Welcome\n\n<script>alert(1)</script>",
    )
    return session, ParticipantFactory(cohort=cohort), facilitator


def test_the_session_page_shows_place_agenda_and_disclosures(client, credit_session):
    session, participant, _ = credit_session
    client.force_login(participant.user)
    page = client.get(reverse("live:session", args=[session.pk])).content.decode()
    assert session.location in page
    assert 'href="https://video.example.org/room"' in page
    assert "<h2>Plan</h2>" in page and "<li>Welcome</li>" in page
    assert "<script>alert(1)" not in page
    assert "Grace Okafor" in page and "Acme Devices: Advisory board (mitigated)" in page
    assert reverse("live:check_in", args=[session.pk]) in page
    assert reverse("live:session_ics", args=[session.pk]) in page


def test_a_participant_acknowledges_the_disclosures_of_an_unlisted_credit_activity(client, credit_session):
    session, participant, _ = credit_session
    client.force_login(participant.user)
    response = client.post(reverse("live:session_disclosures", args=[session.pk]))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=participant.user, course=session.credit_activity)
    assert enrollment.disclosures_acknowledged_at is not None
    page = client.get(response.url).content.decode()
    assert "You acknowledged these disclosures" in page
    assert "I have read the disclosures" not in page
    client.post(reverse("live:session_disclosures", args=[session.pk]))
    assert Enrollment.objects.filter(user=participant.user).count() == 1


def test_a_facilitator_sees_the_disclosures_but_has_nothing_to_acknowledge(client, credit_session):
    session, _, facilitator = credit_session
    client.force_login(facilitator)
    page = client.get(reverse("live:session", args=[session.pk])).content.decode()
    assert "Grace Okafor" in page and "I have read the disclosures" not in page
    assert client.post(reverse("live:session_disclosures", args=[session.pk])).status_code == 404
    assert not Enrollment.objects.exists()


def test_a_session_without_credit_has_no_disclosures_to_acknowledge(client):
    session = LiveSessionFactory()
    participant = ParticipantFactory(cohort=session.cohort)
    client.force_login(participant.user)
    page = client.get(reverse("live:session", args=[session.pk])).content.decode()
    assert "Faculty and disclosures" not in page
    assert client.post(reverse("live:session_disclosures", args=[session.pk])).status_code == 404
