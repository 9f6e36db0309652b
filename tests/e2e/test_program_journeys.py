"""The cohort program's journeys in Chromium, clicked through from the menu as people use the
site: an applicant applies and is accepted; a participant checks in, claims live credit and
downloads the certificate on a phone; a facilitator takes attendance on a phone; a director
works the application queue and reads the cohort's report. Every page load is audited with
axe-core at WCAG 2.2 AA and must fit its viewport."""

import csv
import io
import re
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import Certificate
from programs import credit_services
from programs.credit_services import LiveFaculty
from programs.models import Application, ApplicationStatus, Attendance, AttendanceMethod, Cohort, Participant
from tests.e2e.conftest import log_in, totp_code, wait_until_past
from tests.factories import PASSWORD, ProfileFactory, UserFactory
from tests.programs.factories import (
    MINIMAL_PDF,
    ApplicationFactory,
    CohortFactory,
    DirectorFactory,
    InstitutionFactory,
    LiveSessionFactory,
    ParticipantFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def audited(page) -> None:
    page.audit.check_now(page)


def open_programs_menu(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs", exact=True).click()
    page.get_by_role("heading", name="My programs", level=1).wait_for()
    audited(page)


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def director_signs_in(page, director) -> None:
    """Staff sign in with a second factor (TOTP)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(director.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(director.totp_secret))
    page.get_by_role("button", name="Sign In").click()
    wait_until_past(page, "/accounts/2fa/authenticate/")


def wait_for(condition, *, timeout: float = 60, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def downloaded_bytes(page, click) -> bytes:
    with page.expect_download() as download_info:
        click()
    return Path(download_info.value.path()).read_bytes()


def main_text(page) -> str:
    return page.get_by_role("main").inner_text()


def test_an_applicant_applies_and_a_director_accepts_them(page, private_media):
    cohort = CohortFactory(capacity=3, program__title="Resident Leadership Program")
    institution = cohort.program.institutions.order_by("name").first()
    resident = UserFactory(email="rosa.diaz@example.org", first_name="Rosa", last_name="Diaz")
    director = DirectorFactory()

    # A visitor finds the program and applies; signing in is part of the way.
    page.goto("/programs/")
    audited(page)
    page.get_by_role("link", name="Resident Leadership Program").click()
    page.get_by_role("link", name=f"Apply to the {cohort.year} cohort").wait_for()
    audited(page)
    page.get_by_role("link", name=f"Apply to the {cohort.year} cohort").click()
    page.get_by_label("Email").wait_for()
    audited(page)
    page.get_by_label("Email").fill(resident.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=f"Apply to {cohort}").wait_for()
    audited(page)
    page.get_by_label("Your institution").select_option(label=institution.name)
    page.get_by_label("Residency program").fill("Pediatrics")
    page.get_by_label("Year of training (PGY)").fill("3")
    page.get_by_label("Statement").fill("A wellness curriculum for night-float residents.")
    page.get_by_label("Letter of support (PDF)").set_input_files(
        {"name": "letter-of-support.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    page.get_by_role("button", name="Submit application").click()
    page.get_by_role("heading", name="My applications").wait_for()
    audited(page)
    assert "Status: Submitted" in main_text(page)
    sign_out(page)

    # The director reviews it from the menu, reads the letter and accepts.
    director_signs_in(page, director)
    open_programs_menu(page)
    page.get_by_role("link", name="Review applications").click()
    page.get_by_role("link", name=str(cohort), exact=True).click()
    page.get_by_role("link", name="Rosa Diaz").click()
    page.get_by_role("button", name="Accept").wait_for()
    audited(page)
    letter = downloaded_bytes(page, page.get_by_role("link", name="Download the letter (PDF)").click)
    assert letter == MINIMAL_PDF
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("Rosa Diaz: accepted.").wait_for()
    audited(page)
    assert "1 of 3 places taken" in main_text(page)
    application = Application.objects.get(applicant=resident)
    wait_for(
        lambda: Application.objects.filter(pk=application.pk, decision_email_sent_at__isnull=False).exists(),
        what="the decision e-mail",
    )
    (decision,) = [message for message in mail.outbox if message.to == [resident.email]]
    assert str(cohort) in decision.subject
    sign_out(page)

    # The resident signs back in and finds the cohort under Programs.
    log_in(page, resident.email)
    open_programs_menu(page)
    page.get_by_role("link", name="Your applications").click()
    page.get_by_role("heading", name="My applications").wait_for()
    audited(page)
    assert "Status: Accepted" in main_text(page)
    open_programs_menu(page)
    page.get_by_role("link", name=str(cohort), exact=True).click()
    page.get_by_role("heading", name=str(cohort), level=1).wait_for()
    audited(page)
    assert f"you take part from {institution.name}" in main_text(page)

    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED
    assert Participant.objects.filter(cohort=cohort, user=resident, institution=institution).count() == 1
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 1
    assert page.audit.pages_checked >= 12
    page.audit.assert_clean()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_participant_checks_in_claims_live_credit_and_downloads_the_certificate(page, private_media):
    session = LiveSessionFactory(title="Giving feedback that lands", starts_in=timedelta(minutes=-5))
    credit_services.live_session_designate_for_credit(
        session=session,
        credits_max=Decimal("1.50"),
        accme_activity_id="123456789",
        faculty=[LiveFaculty(name="Dr. Ines Okafor", degrees="MD, MHPE")],
        by=DirectorFactory(),
    )
    session.refresh_from_db()
    resident = ProfileFactory(certificate_name="Rosa Delgado-Whitfield, MD").user
    ParticipantFactory(cohort=session.cohort, user=resident)

    log_in(page, resident.email)
    open_programs_menu(page)
    page.get_by_role("link", name=str(session.cohort), exact=True).click()
    page.get_by_role("link", name="Check in now").wait_for()
    audited(page)
    page.get_by_role("link", name="Check in now").click()
    page.get_by_label("Check-in code").wait_for()
    audited(page)
    page.get_by_label("Check-in code").fill(session.check_in_code.lower())
    page.get_by_role("button", name="Check in").click()
    page.get_by_text(re.compile("You are checked in to")).wait_for()
    page.get_by_role("heading", name=session.title, level=1).wait_for()
    audited(page)
    assert Attendance.objects.get(session=session).method == AttendanceMethod.CHECK_IN

    # Credit opens when the session ends: the session is over by the time the resident goes on.
    now = timezone.now()
    session.starts_at, session.ends_at = now - timedelta(minutes=91), now - timedelta(minutes=1)
    session.save(update_fields=["starts_at", "ends_at"])
    page.get_by_role("link", name="Evaluate and claim credit").click()
    page.get_by_text("Dr. Ines Okafor").first.wait_for()
    audited(page)
    page.get_by_role("button", name="I have read the disclosures").click()
    page.get_by_role("heading", name=re.compile("evaluate the session")).wait_for()
    audited(page)
    for fieldset in page.locator("form fieldset").all():
        fieldset.get_by_label(re.compile("Agree$")).check()
    for textarea in page.locator("form textarea").all():
        textarea.fill("Ask before I tell.")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.get_by_label("Credits to claim").wait_for()
    audited(page)
    page.get_by_label("Credits to claim").fill("1.25")
    page.get_by_label(re.compile("I attest")).check()
    page.get_by_role("button", name="Claim credit").click()
    download = page.get_by_role("link", name=re.compile("Download PDF"))
    download.wait_for(timeout=60_000)
    audited(page)
    pdf = downloaded_bytes(page, download.click)

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert session.title in text and "Live course" in text and "Rosa Delgado-Whitfield, MD" in text
    certificate = Certificate.objects.get(user=resident)
    assert certificate.credits == Decimal("1.25")
    assert page.audit.pages_checked >= 8
    page.audit.assert_clean()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_facilitator_takes_attendance_on_a_phone(page):
    facilitator = UserFactory(first_name="Fay", last_name="Facilitator")
    cohort = CohortFactory(facilitators=[facilitator])
    session = LiveSessionFactory(cohort=cohort, title="Leading a team huddle", starts_in=timedelta(minutes=-5))
    ana = ParticipantFactory(cohort=cohort, user=UserFactory(first_name="Ana", last_name="Lake"))
    ben = ParticipantFactory(cohort=cohort, user=UserFactory(first_name="Ben", last_name="River"))
    ParticipantFactory(cohort=cohort, user=UserFactory(first_name="Cy", last_name="Stone"))

    log_in(page, facilitator.email)
    open_programs_menu(page)
    page.get_by_role("link", name=str(cohort), exact=True).click()
    page.get_by_role("link", name=f"Attendance: {session.title}").wait_for()
    audited(page)
    page.get_by_role("link", name=f"Attendance: {session.title}").click()
    page.get_by_text(session.check_in_code, exact=True).wait_for()
    audited(page)
    mark_ana = page.get_by_role("button", name="Mark present: Ana Lake")
    box = mark_ana.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390, box
    mark_ana.click()
    page.get_by_text("Ana Lake: marked present.").wait_for()
    audited(page)
    page.get_by_role("button", name="Mark present: Ben River").click()
    page.get_by_text("Ben River: marked present.").wait_for()
    audited(page)
    assert "2 of 3 present" in main_text(page)
    page.get_by_role("button", name="Mark absent: Ben River").click()
    page.get_by_text("Ben River: marked absent.").wait_for()
    audited(page)
    page.get_by_role("button", name="Mark present: Ben River").wait_for()
    assert "1 of 3 present" in main_text(page)

    assert [(row.participant_id, row.method) for row in Attendance.objects.filter(session=session)] == [
        (ana.pk, AttendanceMethod.ROSTER)
    ]
    assert not Attendance.objects.filter(participant=ben).exists()
    assert page.audit.pages_checked >= 6
    page.audit.assert_clean()


def test_a_director_works_the_queue_and_reads_the_cohort_report(page):
    north = InstitutionFactory(name="Northlake School of Medicine", short_name="Northlake")
    south = InstitutionFactory(name="Southbay School of Medicine", short_name="Southbay")
    cohort = CohortFactory(capacity=10, program__institutions=[north, south])
    held = [
        LiveSessionFactory(cohort=cohort, title=f"Session {number}", starts_in=timedelta(days=-30 + number))
        for number in (1, 2)
    ]
    people = {
        name: ParticipantFactory(
            cohort=cohort, institution=institution, user=UserFactory(first_name=name, last_name="Resident")
        )
        for name, institution in (("Ana", north), ("Ben", north), ("Cy", south))
    }
    for name, sessions in (("Ana", held), ("Ben", held[:1])):
        for session in sessions:
            Attendance.objects.create(session=session, participant=people[name], method=AttendanceMethod.ROSTER)
    for first_name in ("Wren", "Dov", "Eli"):
        ApplicationFactory(cohort=cohort, applicant=UserFactory(first_name=first_name, last_name="Applicant"))
    director = DirectorFactory()

    director_signs_in(page, director)
    open_programs_menu(page)
    page.get_by_role("link", name="Review applications").click()
    page.get_by_role("link", name=str(cohort), exact=True).click()
    page.get_by_role("heading", name="Submitted (3)").wait_for()
    audited(page)
    page.get_by_role("link", name="Wren Applicant").click()
    page.get_by_role("button", name="Waitlist").wait_for()
    audited(page)
    page.get_by_role("button", name="Waitlist").click()
    page.get_by_text("Wren Applicant: waitlisted.").wait_for()
    audited(page)
    page.get_by_role("heading", name="Waitlisted (1)").wait_for()
    page.get_by_role("heading", name="Submitted (2)").wait_for()
    page.get_by_role("link", name="Dov Applicant").click()
    page.get_by_role("button", name="Decline").wait_for()
    audited(page)
    page.get_by_role("button", name="Decline").click()
    page.get_by_text("Dov Applicant: declined.").wait_for()
    page.get_by_role("heading", name="Submitted (1)").wait_for()
    audited(page)
    assert dict(Application.objects.values_list("applicant__first_name", "status")) == {
        "Wren": ApplicationStatus.WAITLISTED,
        "Dov": ApplicationStatus.DECLINED,
        "Eli": ApplicationStatus.SUBMITTED,
    }

    open_programs_menu(page)
    page.get_by_role("link", name="Program reports").click()
    page.get_by_role("link", name=str(cohort), exact=True).wait_for()
    audited(page)
    page.get_by_role("link", name=str(cohort), exact=True).click()
    retention = page.get_by_role("table", name="Participants by institution and status")
    retention.wait_for()
    audited(page)
    assert retention.get_by_role("row").all_inner_texts()[1:] == [
        "Northlake School of Medicine\t2\t2\t0\t0\t100 %",
        "Southbay School of Medicine\t1\t1\t0\t0\t100 %",
        "All institutions\t3\t3\t0\t0\t100 %",
    ]
    attendance = page.get_by_role("table", name="Attendance per session held so far")
    rows = attendance.get_by_role("row").all_inner_texts()[1:]
    assert [row.split("\t")[:1] + row.split("\t")[2:] for row in rows] == [
        ["Session 1", "2", "3", "67 %"],
        ["Session 2", "1", "3", "33 %"],
    ]
    assert not page.get_by_label(re.compile("self-identification", re.IGNORECASE)).is_checked()
    exported = downloaded_bytes(
        page, page.get_by_role("button", name="Download the participant list (CSV)").click
    ).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(exported)))
    assert header == [
        "Participant",
        "Email",
        "Institution",
        "Status",
        "Sessions attended",
        "Sessions held",
        "Attended %",
        "Below the required attendance",
    ]
    assert len(lines) == 3
    assert page.audit.pages_checked >= 9
    page.audit.assert_clean()
