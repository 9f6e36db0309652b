"""A live session's credit: a director designates it, an attendee claims it.

designated_session() and attendee() are the shared way to build a credit-designated session
that has ended and a participant recorded as attending it."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from courses.errors import Conflict, CoursePublishError, InvalidSubmission
from courses.models import ActivityFormat, Course, CourseStatus, Enrollment
from programs import credit_services, live_services
from programs.credit_services import LiveFaculty
from programs.models import Attendance, AttendanceMethod, LiveSession
from tests.factories import ProfileFactory, UserFactory
from tests.programs.factories import CohortFactory, DirectorFactory, LiveSessionFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


FACULTY = [LiveFaculty(name="Dr. Ines Okafor", degrees="MD, MHPE")]


def designated_session(
    *, credits="1.50", accme_activity_id="123456789", starts_in=timedelta(hours=-3), **fields
) -> LiveSession:
    """A 90-minute session that has ended (by default), designated for credit by a director."""
    session = LiveSessionFactory(starts_in=starts_in, title="Giving feedback that lands, live", **fields)
    credit_services.live_session_designate_for_credit(
        session=session,
        credits_max=Decimal(credits),
        accme_activity_id=accme_activity_id,
        faculty=FACULTY,
        by=DirectorFactory(),
    )
    session.refresh_from_db()
    return session


def attendee(session: LiveSession, *, attended=True, **profile):
    """A participant of the session's cohort with a complete CME profile, recorded as there."""
    user = ProfileFactory(**profile).user
    participant = ParticipantFactory(cohort=session.cohort, user=user)
    if attended:
        Attendance.objects.create(
            session=session,
            participant=participant,
            method=AttendanceMethod.CHECK_IN,
            recorded_at=session.starts_at + timedelta(minutes=4),
        )
    return user


def evaluation_answers(session: LiveSession) -> dict:
    return {
        f"item{item.id}": "5" if item.kind == "likert" else "Ask one open question before I give feedback."
        for item in session.credit_activity.evaluation_items.all()
    }


def url(name: str, session: LiveSession) -> str:
    return reverse(f"live_credit:{name}", args=[session.pk])


def walk_to_claim(client, session: LiveSession) -> None:
    assert client.post(url("disclosures", session)).status_code == 302
    assert client.post(url("evaluation", session), evaluation_answers(session)).status_code == 302


# --- Designation ------------------------------------------------------------------------


def test_a_designated_in_person_session_becomes_an_unlisted_live_course_for_its_length():
    session = designated_session()
    course = session.credit_activity

    assert course.title == "Giving feedback that lands, live"
    assert course.activity_format == ActivityFormat.LIVE_COURSE
    assert course.get_activity_format_display() == "Live course"
    assert course.status == CourseStatus.PUBLISHED and course.is_listed is False
    assert course.credits_max == Decimal("1.50")
    assert course.is_reported_to_pars is True and course.accme_activity_id == "123456789"
    assert course.release_date == timezone.localtime(session.starts_at, session.zone).date()
    assert course.expiry_date > course.release_date
    assert [person.name for person in course.faculty.all()] == ["Dr. Ines Okafor"]
    assert course.faculty.get().disclosures.get().has_no_relevant_relationships
    assert course.evaluation_items.count() == 6
    assert "free of commercial bias" in " ".join(course.evaluation_items.values_list("prompt", flat=True))


def test_a_video_only_session_is_an_internet_live_course_and_without_an_id_is_not_reported_to_pars():
    session = designated_session(location="", video_url="https://video.example.org/room/42", accme_activity_id="")
    course = session.credit_activity

    assert course.get_activity_format_display() == "Internet live course"
    assert course.is_reported_to_pars is False


@pytest.mark.parametrize("credits", ["1.3", "0.1", "1.125"])
def test_credits_off_the_quarter_step_are_refused_and_nothing_is_created(credits):
    session = LiveSessionFactory(starts_in=timedelta(hours=-3))

    with pytest.raises(InvalidSubmission, match="in steps of 0.25"):
        credit_services.live_session_designate_for_credit(
            session=session, credits_max=Decimal(credits), faculty=FACULTY, by=DirectorFactory()
        )
    assert not Course.objects.exists()


def test_more_credit_than_the_session_lasts_is_refused():
    starts_at = timezone.now() + timedelta(days=7)
    session = LiveSessionFactory(starts_at=starts_at, ends_at=starts_at + timedelta(minutes=100))  # 1.5 at most

    with pytest.raises(InvalidSubmission, match=r"100-minute session may be designated for at most 1\.5 AMA"):
        credit_services.live_session_designate_for_credit(
            session=session, credits_max=Decimal("1.75"), faculty=FACULTY, by=DirectorFactory()
        )
    assert session.credit_activity_id is None and not Course.objects.exists()


def test_a_session_without_faculty_or_with_an_unmitigated_relationship_is_not_designated():
    session = LiveSessionFactory()
    conflicted = LiveFaculty(name="Dr. Theo Brandt", ineligible_company="Acme Devices", relationship="Consultant")

    with pytest.raises(CoursePublishError) as refused:
        credit_services.live_session_designate_for_credit(
            session=session, credits_max=Decimal("1"), faculty=[conflicted], by=DirectorFactory()
        )

    assert "Dr. Theo Brandt's relationship with Acme Devices is not marked mitigated." in refused.value.problems
    with pytest.raises(CoursePublishError, match="No faculty are listed"):
        credit_services.live_session_designate_for_credit(
            session=session, credits_max=Decimal("1"), faculty=[], by=DirectorFactory()
        )
    session.refresh_from_db()
    assert session.credit_activity_id is None and not Course.objects.exists()


def test_an_activity_id_that_is_not_nine_digits_is_refused():
    with pytest.raises(InvalidSubmission, match="9 digits"):
        credit_services.live_session_designate_for_credit(
            session=LiveSessionFactory(), credits_max=Decimal("1"), accme_activity_id="12345", faculty=FACULTY, by=None
        )


def test_a_session_is_designated_once():
    session = designated_session()
    with pytest.raises(Conflict):
        credit_services.live_session_designate_for_credit(
            session=session, credits_max=Decimal("1"), faculty=FACULTY, by=DirectorFactory()
        )


def _designate_form(**fields) -> dict:
    return {
        "credits_max": "1.25",
        "accme_activity_id": "004400123",
        "faculty-TOTAL_FORMS": "3",
        "faculty-INITIAL_FORMS": "0",
        "faculty-0-name": "Dr. Ines Okafor",
        "faculty-0-degrees": "MD",
        "faculty-0-role": "presenter",
        "faculty-1-role": "presenter",
        "faculty-2-role": "presenter",
        **fields,
    }


def test_a_director_designates_a_session_with_the_form(client):
    session = LiveSessionFactory()
    client.force_login(DirectorFactory())

    assert "at most 1.5 AMA PRA Category 1 Credits" in client.get(url("designate", session)).content.decode()
    response = client.post(url("designate", session), _designate_form())

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.credit_activity.credits_max == Decimal("1.25")
    page = client.get(url("designate", session)).content.decode()
    assert "designated as a live course for up to 1.25 AMA PRA Category 1 Credits™" in page


def test_the_form_shows_why_too_much_credit_is_refused(client):
    session = LiveSessionFactory()
    client.force_login(DirectorFactory())

    response = client.post(url("designate", session), _designate_form(credits_max="2"))

    assert response.status_code == 400
    assert "may be designated for at most 1.5" in response.content.decode()
    assert not Course.objects.exists()


def test_only_directors_reach_the_designation_form(client):
    session = LiveSessionFactory()
    facilitator = UserFactory()
    session.cohort.facilitators.add(facilitator)
    for user in (facilitator, ParticipantFactory(cohort=session.cohort).user, UserFactory()):
        client.force_login(user)
        assert client.get(url("designate", session)).status_code == 404
        assert client.post(url("designate", session), _designate_form()).status_code == 404
    assert not Course.objects.exists()


# --- The attendee's claim ----------------------------------------------------------------


def test_an_attendee_reads_the_disclosures_evaluates_and_claims(client):
    session = designated_session()
    user = attendee(session)
    client.force_login(user)

    page = client.get(url("session_credit", session)).content.decode()
    assert "Dr. Ines Okafor" in page and "I have read the disclosures" in page

    client.post(url("disclosures", session))
    enrollment = Enrollment.objects.get(user=user, course=session.credit_activity)
    assert enrollment.attended_at == session.starts_at + timedelta(minutes=4)
    assert enrollment.disclosures_acknowledged_at is not None

    assert "The stated learning objectives were met." in client.get(url("session_credit", session)).content.decode()
    client.post(url("evaluation", session), evaluation_answers(session))
    enrollment.refresh_from_db()
    assert enrollment.completed_at == session.ends_at

    assert "Step 3 of 3" in client.get(url("session_credit", session)).content.decode()
    response = client.post(url("claim", session), {"credits": "1.25", "attest": "on"})

    assert response.status_code == 302
    certificate = Certificate.objects.get(user=user)
    assert certificate.status == CertificateStatus.PENDING
    assert certificate.activity_format == "Live course"
    assert certificate.course_title == session.title
    assert certificate.credits == Decimal("1.25")
    assert certificate.completion_date == timezone.localtime(session.starts_at, session.zone).date()
    page = client.get(url("session_credit", session)).content.decode()
    assert "Your certificate" in page and certificate.display_code in page


def test_an_unanswered_evaluation_is_returned_with_the_question_to_answer(client):
    session = designated_session()
    client.force_login(attendee(session))
    client.post(url("disclosures", session))
    answers = evaluation_answers(session)
    item = session.credit_activity.evaluation_items.get(code="intent_to_change")
    answers.pop(f"item{item.id}")

    response = client.post(url("evaluation", session), answers)

    assert response.status_code == 400
    assert "1 question needs an answer" in response.content.decode()
    assert Enrollment.objects.get().evaluation_submitted_at is None


def test_the_evaluation_waits_for_the_disclosures(client):
    session = designated_session()
    client.force_login(attendee(session))

    response = client.post(url("evaluation", session), evaluation_answers(session))

    assert response.status_code == 403
    assert "acknowledge the faculty disclosures first" in response.content.decode()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("credits", "message"),
    [
        ("1.3", "Credits are claimed in steps of 0.25"),
        ("1.75", "designated for at most 1.5 AMA PRA Category 1 Credits™"),
        ("0", "Claim a positive number of credits."),
    ],
)
def test_a_claim_off_the_step_or_over_the_maximum_is_refused(client, credits, message):
    session = designated_session()
    client.force_login(attendee(session))
    walk_to_claim(client, session)

    response = client.post(url("claim", session), {"credits": credits, "attest": "on"})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_claim_without_the_attestation_is_refused(client):
    session = designated_session()
    client.force_login(attendee(session))
    walk_to_claim(client, session)

    response = client.post(url("claim", session), {"credits": "1.5"})

    assert response.status_code == 400 and "confirm the attestation" in response.content.decode()


def test_a_second_claim_is_a_conflict(client):
    session = designated_session()
    user = attendee(session)
    client.force_login(user)
    walk_to_claim(client, session)
    client.post(url("claim", session), {"credits": "1.5", "attest": "on"})

    response = client.post(url("claim", session), {"credits": "1.5", "attest": "on"})

    assert response.status_code == 409
    assert "already been claimed" in response.content.decode()
    assert Certificate.objects.filter(user=user).count() == 1


def test_a_participant_without_attendance_sees_why_and_cannot_claim(client):
    session = designated_session()
    client.force_login(attendee(session, attended=False))

    page = client.get(url("session_credit", session))
    assert page.status_code == 200
    assert "No attendance is recorded for you at this session" in page.content.decode()
    for name in ("disclosures", "claim"):
        response = client.post(url(name, session), {"credits": "1.5", "attest": "on"})
        assert response.status_code == 403
    assert not Enrollment.objects.exists() and not Certificate.objects.exists()


def test_credit_opens_when_the_session_ends(client):
    session = designated_session(starts_in=timedelta(minutes=-30))
    client.force_login(attendee(session))

    assert "opens when it ends" in client.get(url("session_credit", session)).content.decode()
    assert client.post(url("disclosures", session)).status_code == 403
    assert not Enrollment.objects.exists()


def test_the_enrollment_is_ensured_once_with_the_attendance_time():
    session = designated_session()
    user = attendee(session)

    first = credit_services.live_credit_enrollment_ensure(session=session, user=user)
    second = credit_services.live_credit_enrollment_ensure(session=session, user=user)

    assert first.pk == second.pk and Enrollment.objects.count() == 1
    assert second.attended_at == session.starts_at + timedelta(minutes=4)


def test_nobody_outside_the_cohort_reaches_a_sessions_credit_pages(client):
    session = designated_session()
    facilitator = UserFactory()
    session.cohort.facilitators.add(facilitator)
    other_cohorts_attendee = attendee(designated_session())
    names = ["session_credit", "disclosures", "evaluation", "claim"]
    for user in (UserFactory(), facilitator, other_cohorts_attendee, DirectorFactory()):
        client.force_login(user)
        for name in names:
            method = client.get if name == "session_credit" else client.post
            assert method(url(name, session)).status_code == 404, (user, name)
    client.logout()
    assert client.get(url("session_credit", session)).status_code == 302  # to sign in
    assert not Enrollment.objects.filter(course=session.credit_activity).exists()


def test_a_session_not_designated_for_credit_has_no_credit_page(client):
    session = LiveSessionFactory(starts_in=timedelta(hours=-3))
    participant = ParticipantFactory(cohort=session.cohort)
    client.force_login(participant.user)

    assert client.get(url("session_credit", session)).status_code == 404


@pytest.mark.parametrize("rows", [10, 100])
def test_the_credit_page_takes_the_same_queries_for_10_or_100_faculty_and_attendees(
    client, django_assert_max_num_queries, rows
):
    session = LiveSessionFactory(starts_in=timedelta(hours=-3), cohort=CohortFactory(capacity=rows + 1))
    credit_services.live_session_designate_for_credit(
        session=session,
        credits_max=Decimal("1.5"),
        faculty=[LiveFaculty(name=f"Dr. Faculty {n}") for n in range(rows)],
        by=DirectorFactory(),
    )
    session.refresh_from_db()
    for _ in range(rows):
        attendee(session)
    user = attendee(session)
    client.force_login(user)
    client.get(url("session_credit", session))  # the session and permission rows are warm

    with django_assert_max_num_queries(14):
        page = client.get(url("session_credit", session))
    assert f"Dr. Faculty {rows - 1}" in page.content.decode()

    walk_to_claim(client, session)
    client.post(url("claim", session), {"credits": "1.5", "attest": "on"})
    with django_assert_max_num_queries(14):
        assert "Your certificate" in client.get(url("session_credit", session)).content.decode()


# --- Found in review ----------------------------------------------------------------------


def test_disclosures_acknowledged_on_the_session_page_before_it_began_still_lead_to_credit(client):
    session = designated_session(starts_in=timedelta(days=1))
    user = attendee(session, attended=False)
    client.force_login(user)
    # Before the session, on its page (ACCME Std 3), with no attendance to record yet.
    assert client.post(reverse("live:session_disclosures", args=[session.pk])).status_code == 302
    assert Enrollment.objects.get(user=user).attended_at is None
    # The session takes place and the resident checks in; afterwards they evaluate and claim.
    session.starts_at, session.ends_at = timezone.now() - timedelta(hours=2), timezone.now() - timedelta(minutes=30)
    session.save(update_fields=["starts_at", "ends_at"])
    Attendance.objects.create(session=session, participant=user.participations.get(), method=AttendanceMethod.CHECK_IN)

    assert client.post(url("evaluation", session), evaluation_answers(session)).status_code == 302
    assert client.post(url("claim", session), {"credits": "1.5", "attest": "on"}).status_code == 302
    assert Certificate.objects.get(user=user).credits == Decimal("1.50")


def test_an_evening_session_is_completed_on_its_own_day_in_its_time_zone(client):
    session = designated_session(starts_in=timedelta(days=-2))
    chicago_evening = timezone.localtime(session.starts_at, session.zone).replace(hour=18, minute=30)
    session.starts_at, session.ends_at = chicago_evening, chicago_evening + timedelta(minutes=90)
    # Moved through the service, as a facilitator would: the activity's day moves with it.
    live_services.live_session_reschedule(
        session=session, starts_at=session.starts_at, ends_at=session.ends_at, location=session.location, video_url=""
    )
    user = attendee(session)
    client.force_login(user)
    walk_to_claim(client, session)
    client.post(url("claim", session), {"credits": "1.5", "attest": "on"})

    # 18:30-20:00 in Chicago is after midnight UTC; the certificate keeps the Chicago day.
    assert session.ends_at.astimezone(UTC).date() != chicago_evening.date()
    assert Certificate.objects.get(user=user).completion_date == chicago_evening.date()


def test_a_designated_session_cannot_be_made_shorter_than_its_credit_and_its_day_moves_with_it(client):
    session = designated_session(credits="1.50", starts_in=timedelta(days=3))
    facilitator = UserFactory()
    session.cohort.facilitators.add(facilitator)
    client.force_login(facilitator)
    starts = timezone.localtime(session.starts_at, session.zone)
    day = starts.date().isoformat()
    form = {"location": session.location, "video_url": ""}

    refused = client.post(
        reverse("live:session_reschedule", args=[session.pk]),
        {**form, "starts_at": f"{day}T12:00", "ends_at": f"{day}T12:30"},
    )

    assert refused.status_code == 400
    assert "cannot be shorter than 90 minutes" in refused.content.decode()
    session.refresh_from_db()
    assert session.duration == timedelta(minutes=90) and session.calendar_sequence == 0

    later = starts.date() + timedelta(days=7)
    moved = client.post(
        reverse("live:session_reschedule", args=[session.pk]),
        {**form, "starts_at": f"{later.isoformat()}T12:00", "ends_at": f"{later.isoformat()}T13:30"},
    )
    assert moved.status_code == 302
    session.credit_activity.refresh_from_db()
    assert session.credit_activity.release_date == later


def test_a_live_sessions_activity_cannot_be_claimed_through_the_course_claim_page(client):
    session = designated_session()
    user = attendee(session)
    client.force_login(user)
    walk_to_claim(client, session)
    Attendance.objects.filter(participant__user=user).delete()  # the facilitator marks them absent

    course_claim = reverse("certificates:claim", args=[session.credit_activity.slug])
    assert client.post(course_claim, {"credits": "1.5", "attest": "on"}).status_code == 404
    assert client.post(url("claim", session), {"credits": "1.5", "attest": "on"}).status_code in (403, 404)
    assert not Certificate.objects.exists()
