"""Either side of a pairing logs meetings; whoever logged one may correct or delete it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MentoringMeeting
from tests.mentoring.factories import MentorFactory, MentoringMeetingFactory, MentorPairingFactory
from tests.programs.factories import CohortFactory


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("side", ["mentor", "participant"])
def test_either_side_logs_a_meeting_the_other_then_reads(client, pairing, side):
    logger = pairing.mentor if side == "mentor" else pairing.participant.user
    other = pairing.participant.user if side == "mentor" else pairing.mentor
    url = reverse("mentoring:pairing", args=[pairing.pk])
    met_on = timezone.localdate() - timedelta(days=2)

    response = signed_in(client, logger).post(
        url,
        {"met_on": met_on.isoformat(), "duration_minutes": "50", "notes": "Chose a **quality** project."},
        follow=True,
    )

    assert "Meeting logged." in response.content.decode()
    meeting = MentoringMeeting.objects.get()
    assert (meeting.met_on, meeting.duration_minutes, meeting.logged_by) == (met_on, 50, logger)
    page = signed_in(client, other).get(url).content.decode()
    assert "<strong>quality</strong>" in page
    assert "50 minutes" in page


def test_a_meeting_without_a_length_is_logged(client, pairing):
    signed_in(client, pairing.mentor).post(
        reverse("mentoring:pairing", args=[pairing.pk]), {"met_on": timezone.localdate().isoformat(), "notes": ""}
    )
    assert MentoringMeeting.objects.get().duration_minutes is None


def test_a_meeting_in_the_future_is_refused(client, pairing):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = signed_in(client, pairing.mentor).post(
        reverse("mentoring:pairing", args=[pairing.pk]), {"met_on": tomorrow.isoformat(), "notes": "Planned"}
    )
    assert response.status_code == 400
    assert "cannot be logged for a date in the future" in response.content.decode()
    assert not MentoringMeeting.objects.exists()


@pytest.mark.parametrize("met_on", ["", "31/02/2026", "next tuesday"])
def test_a_missing_or_unreadable_date_is_refused(client, pairing, met_on):
    response = signed_in(client, pairing.mentor).post(
        reverse("mentoring:pairing", args=[pairing.pk]), {"met_on": met_on, "notes": "Hm"}
    )
    assert response.status_code == 400
    assert not MentoringMeeting.objects.exists()


@pytest.mark.parametrize("minutes", ["0", "-5", "100000"])
def test_a_meeting_length_out_of_range_is_refused(client, pairing, minutes):
    response = signed_in(client, pairing.mentor).post(
        reverse("mentoring:pairing", args=[pairing.pk]),
        {"met_on": timezone.localdate().isoformat(), "duration_minutes": minutes},
    )
    assert response.status_code == 400
    assert "between 1 and 480 minutes" in response.content.decode()
    assert not MentoringMeeting.objects.exists()


def test_an_ended_pairing_keeps_its_meetings_but_takes_no_new_ones(client, pairing):
    meeting = MentoringMeetingFactory(pairing=pairing)
    pairing.ended_at = timezone.now()
    pairing.save()
    client = signed_in(client, pairing.mentor)
    url = reverse("mentoring:pairing", args=[pairing.pk])

    page = client.get(url).content.decode()

    assert meeting.notes in page
    assert "Log a meeting" not in page
    assert client.post(url, {"met_on": timezone.localdate().isoformat()}).status_code == 404
    assert MentoringMeeting.objects.count() == 1


def test_who_logged_a_meeting_corrects_it(client, pairing):
    meeting = MentoringMeetingFactory(pairing=pairing, logged_by=pairing.participant.user)
    client = signed_in(client, pairing.participant.user)
    edit = reverse("mentoring:meeting_edit", args=[pairing.pk, meeting.pk])
    assert "Edit" in client.get(reverse("mentoring:pairing", args=[pairing.pk])).content.decode()

    response = client.post(edit, {"met_on": meeting.met_on.isoformat(), "duration_minutes": "30", "notes": "Fixed"})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.duration_minutes, meeting.notes) == (30, "Fixed")


def test_a_correction_into_the_future_is_refused(client, pairing):
    meeting = MentoringMeetingFactory(pairing=pairing)
    response = signed_in(client, pairing.mentor).post(
        reverse("mentoring:meeting_edit", args=[pairing.pk, meeting.pk]),
        {"met_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.met_on <= timezone.localdate()


def test_who_logged_a_meeting_deletes_it(client, pairing):
    meeting = MentoringMeetingFactory(pairing=pairing)
    response = signed_in(client, pairing.mentor).post(
        reverse("mentoring:meeting_delete", args=[pairing.pk, meeting.pk]), follow=True
    )
    assert "Meeting deleted." in response.content.decode()
    assert not MentoringMeeting.objects.exists()


def test_notes_are_sanitized(client, pairing):
    MentoringMeetingFactory(pairing=pairing, notes="<script>alert(1)</script> ok")
    page = signed_in(client, pairing.mentor).get(reverse("mentoring:pairing", args=[pairing.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_my_mentoring_page_lists_both_sides(client, pairing):
    as_participant = MentorPairingFactory(participant__user=pairing.mentor)
    MentoringMeetingFactory(pairing=pairing, weeks_ago=2)
    page = signed_in(client, pairing.mentor).get(reverse("mentoring:home")).content.decode()
    mentees, mentors = page.split('id="mentors-heading"')
    assert reverse("mentoring:pairing", args=[pairing.pk]) in mentees
    assert "last met" in mentees
    assert reverse("mentoring:pairing", args=[as_participant.pk]) in mentors


@pytest.mark.parametrize("meetings", [10, 100])
def test_a_pairings_page_queries_stay_flat(client, pairing, meetings, django_assert_max_num_queries):
    MentoringMeetingFactory.create_batch(meetings, pairing=pairing)
    client = signed_in(client, pairing.mentor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("mentoring:pairing", args=[pairing.pk]))
    assert response.content.decode().count('class="meeting"') == meetings


@pytest.mark.parametrize("mentees", [10, 100])
def test_my_mentoring_page_queries_stay_flat(db, client, mentees, django_assert_max_num_queries):
    cohort = CohortFactory(capacity=mentees)
    mentor = MentorFactory()
    for number in range(mentees):
        pairing = MentorPairingFactory(participant__cohort=cohort, mentor=mentor)
        if number % 2:
            MentoringMeetingFactory(pairing=pairing)
    client = signed_in(client, mentor)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("mentoring:home"))
    assert response.content.decode().count("last met") == mentees // 2


def test_the_navigation_tag_knows_who_has_pairings(pairing):
    tag = Template("{% load mentoring_nav %}{% has_mentoring_pairings user as show %}{{ show }}")
    for user, expected in ((pairing.mentor, "True"), (pairing.participant.user, "True"), (AnonymousUser(), "False")):
        assert tag.render(Context({"user": user})) == expected
    assert tag.render(Context({"user": MentorFactory()})) == "False"
