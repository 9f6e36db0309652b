"""Directors author programs and cohorts in the admin; decisions are not made there."""

import pytest
from django.urls import reverse

from tests.programs.factories import ApplicationFactory, CohortFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_a_director_authors_institutions_programs_and_cohorts(client, director):
    for model in ("institution", "program", "cohort"):
        assert client.get(reverse(f"admin:programs_{model}_add")).status_code == 200, model


def test_the_seat_count_cannot_be_edited_in_the_admin(client, director, private_media):
    cohort = CohortFactory()
    ParticipantFactory(cohort=cohort)
    page = client.get(reverse("admin:programs_cohort_change", args=[cohort.pk])).text
    assert 'name="seats_taken"' not in page
    assert 'name="facilitators"' in page


def test_applications_and_participants_are_shown_but_not_changed(client, director, private_media):
    application = ApplicationFactory()
    participant = ParticipantFactory()
    assert client.get(reverse("admin:programs_application_changelist")).status_code == 200
    page = client.get(reverse("admin:programs_application_change", args=[application.pk])).text
    assert 'name="status"' not in page and application.support_letter.name not in page
    assert client.get(reverse("admin:programs_application_add")).status_code == 403
    assert client.get(reverse("admin:programs_participant_change", args=[participant.pk])).status_code == 200
    assert client.get(reverse("admin:programs_attendance_changelist")).status_code == 200
