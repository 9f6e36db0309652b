"""Directors author programs and cohorts in the admin; decisions are not made there."""

from datetime import timedelta

import pytest
from django.urls import reverse

from programs.models import Attendance, LiveSession
from tests.courses.test_admin_authoring import change_form_data, form_errors
from tests.programs.factories import ApplicationFactory, CohortFactory, LiveSessionFactory, ParticipantFactory

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


def test_a_session_moved_in_the_admin_tells_subscribed_calendars(client, director, private_media):
    session = LiveSessionFactory()
    url = reverse("admin:programs_cohort_change", args=[session.cohort_id])
    data = change_form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-0-id") and data[key] == str(session.pk)).removesuffix("-id")
    data[f"{prefix}-location"] = "Clinical Education Center, room 3B"

    response = client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    session.refresh_from_db()
    assert session.location == "Clinical Education Center, room 3B" and session.calendar_sequence == 1
    # Saving again with nothing changed leaves the calendars' copy as it is.
    client.post(url, change_form_data(client.get(url)))
    session.refresh_from_db()
    assert session.calendar_sequence == 1


def test_a_session_with_attendance_cannot_be_deleted_from_the_cohort(client, director, private_media):
    session = LiveSessionFactory(starts_in=timedelta(days=-1))
    Attendance.objects.create(session=session, participant=ParticipantFactory(cohort=session.cohort), method="roster")
    url = reverse("admin:programs_cohort_change", args=[session.cohort_id])
    data = change_form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-0-id") and data[key] == str(session.pk)).removesuffix("-id")
    data[f"{prefix}-DELETE"] = "on"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "protected related objects" in response.content.decode()
    assert LiveSession.objects.filter(pk=session.pk).exists() and Attendance.objects.exists()
