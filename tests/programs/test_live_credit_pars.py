"""A live session's claimed credit goes into its activity's PARS learner file: the
session's activity ID, the day of the session as the completion date, the credit claimed."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.pars import COLUMNS
from tests.factories import StaffFactory
from tests.programs.test_live_credit import attendee, designated_session, url, walk_to_claim

pytestmark = pytest.mark.django_db


def held_on(session) -> str:
    """The day the session was held, in its own time zone: between midnight and the time
    zone's offset from UTC, the day in UTC is another one."""
    return session.credit_activity.release_date.strftime("%m/%d/%Y")


def _claimed(client, session, credits: str):
    user = attendee(session, first_name="Amara", last_name="Fenwick", npi="", licence_number="35.123456")
    client.force_login(user)
    walk_to_claim(client, session)
    assert client.post(url("claim", session), {"credits": credits, "attest": "on"}).status_code == 302
    return user


def _download(client, session, file_format: str):
    client.force_login(StaffFactory(groups=["CME administrators"]))
    day = session.ends_at.date()  # in UTC; the session's own day may be the one before or after
    return client.post(
        reverse("reports:pars_download"),
        {
            "course": session.credit_activity.slug,
            "file_format": file_format,
            "date_from": (day - timedelta(days=2)).isoformat(),
            "date_to": (day + timedelta(days=1)).isoformat(),
        },
    )


def test_the_pars_file_carries_the_live_sessions_completion(client):
    session = designated_session(credits="1.50", accme_activity_id="004400123")
    _claimed(client, session, "1.25")

    response = _download(client, session, "tab")

    assert response.status_code == 200, response.content[:400]
    [row] = list(csv.reader(io.StringIO(response.content.decode(), newline=""), delimiter="\t"))
    record = dict(zip(COLUMNS, row, strict=True))
    assert record["ACCME Activity ID"] == "004400123"
    assert record["Completion Date"] == held_on(session)
    assert (record["First Name"], record["Last Name"]) == ("Amara", "Fenwick")
    assert record["Number of CME Credits"] == "1.25"
    assert (record["Licensing State"], record["Licensing ID"]) == ("OH", "35.123456")


def test_the_excel_learner_template_reads_back_the_same_completion(client):
    session = designated_session(credits="1.50", accme_activity_id="004400123")
    _claimed(client, session, "1.50")

    response = _download(client, session, "xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = ([cell.value or "" for cell in line] for line in sheet.iter_rows())
    record = dict(zip(header, row, strict=True))
    assert header == COLUMNS
    assert record["ACCME Activity ID"] == "004400123"
    assert record["Completion Date"] == held_on(session)
    assert record["Number of CME Credits"] == "1.50"
