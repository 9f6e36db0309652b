"""The PARS learner-completion file: columns and formats, consent, the validation report,
and each completion reported once unless asked again."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Profile
from certificates import services as certificate_services
from certificates.models import Certificate, CertificateStatus
from courses.models import Enrollment
from reports.models import ExportKind, ExportLog, ParsExportedCompletion
from reports.pars import COLUMNS
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

EXPECTED_COLUMNS = [
    "Record Action", "ACCME Activity ID", "Completion Date", "First Name", "Last Name", "Date of Birth",
    "Licensing State", "Licensing ID or NPI", "Number of CME Credits", "Certifying Board", "Certifying Board ID",
    "Total Board Credits", "Credit Type", "Credits Awarded for Credit Type",
]


def _claim(user, course, credits="1.50") -> Enrollment:
    enrollment = complete_course(user, course)
    certificate_services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal(credits), attested=True)
    return enrollment


@pytest.fixture
def course():
    course = build_course(slug="pars-course", modules=1, bank=2, knowledge_checks=False)
    course.accme_activity_id = "004567891"
    course.save()
    return course


@pytest.fixture
def reportable(course):
    """A consenting physician (ABIM, Ohio licence) who claimed 1.5 credits."""
    user = ProfileFactory(first_name="Amara", last_name="Fenwick", certifying_board="ABIM", board_id="246810",
                          birth_month=4, birth_day=7, licence_state="OH", licence_number="35.123456").user
    return _claim(user, course)


def _preview(client, course, **query):
    response = client.get(reverse("reports:pars"), {"course": course.slug, **query})
    assert response.status_code == 200
    return response


def _download_csv(client, course, **form) -> list[list[str]]:
    response = client.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": "csv", **form})
    assert response.status_code == 200, response.content[:400]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert not text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_file_has_the_template_columns_in_order_and_values_in_their_formats(admin_browser, course, reportable):
    rows = _download_csv(admin_browser, course)

    assert rows[0] == EXPECTED_COLUMNS == COLUMNS
    completed = reportable.completed_at
    assert rows[1] == [
        "Add", "004567891", f"{completed:%m/%d/%Y}", "Amara", "Fenwick", "04/07", "OH", "35.123456", "1.50",
        "ABIM", "246810", "1.50", "Medical Knowledge", "1.50",
    ]


def test_xlsx_holds_the_same_rows_as_text(admin_browser, course, reportable):
    response = admin_browser.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": "xlsx"})

    assert response["Content-Disposition"] == 'attachment; filename="docere-pars-pars-course.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == EXPECTED_COLUMNS
    assert rows[1][1] == "004567891"  # text: the leading zeros survive
    assert all(cell.data_type == "s" for cell in sheet[2] if cell.value is not None)


def test_npi_stands_in_when_there_is_no_licence_number(admin_browser, course):
    user = ProfileFactory(licence_number="", npi="1234567893", certifying_board="").user
    _claim(user, course)

    row = _download_csv(admin_browser, course)[1]

    assert row[6:9] == ["OH", "1234567893", "1.50"]
    assert row[9:] == ["", "", "", "", ""]  # no board: the board columns stay empty


def test_learners_without_consent_or_who_are_not_physicians_are_never_exported(admin_browser, course, reportable):
    withdrawn = ProfileFactory(first_name="Withdrawn", board_id="").user
    _claim(withdrawn, course)
    Profile.objects.filter(user=withdrawn).update(reporting_consent=False)
    nurse = ProfileFactory(first_name="Nurse", profession="other_hp", credentials="RN").user
    _claim(nurse, course)

    page = _preview(admin_browser, course)
    rows = _download_csv(admin_browser, course)

    preview = page.context["preview"]
    assert (preview.completions, preview.without_consent, preview.not_physicians) == (3, 1, 1)
    assert "Withdrawn" not in page.content.decode()
    assert [row[3] for row in rows[1:]] == ["Amara"]


def test_validation_report_lists_each_learner_with_what_their_board_or_state_needs(admin_browser, course, reportable):
    board_gap = ProfileFactory(first_name="Bo", last_name="Ard", certifying_board="ABP").user
    state_gap = ProfileFactory(first_name="Sta", last_name="Te", certifying_board="").user
    _claim(board_gap, course)
    _claim(state_gap, course)
    # Profiles change after the claim: the board ID and the birthday are cleared, the licence removed.
    Profile.objects.filter(user=board_gap).update(board_id="", birth_month=None, birth_day=None)
    Profile.objects.filter(user=state_gap).update(licence_state="", licence_number="", npi="")

    page = _preview(admin_browser, course)

    problems = {learner.name: learner.missing for learner in page.context["preview"].with_problems}
    assert problems == {
        "Bo Ard": ["certifying board ID", "month and day of birth"],
        "Sta Te": ["licensing state", "licence number or NPI"],
    }
    html = page.content.decode()
    assert "certifying board ID, month and day of birth" in html
    assert "licensing state, licence number or NPI" in html
    # The file carries only the complete record; the others wait until their profile is fixed.
    assert [row[3] for row in _download_csv(admin_browser, course)[1:]] == ["Amara"]


def test_validation_report_is_empty_when_every_record_is_complete(admin_browser, course, reportable):
    page = _preview(admin_browser, course)

    assert page.context["preview"].with_problems == []
    assert "No reportable learner is missing anything." in page.content.decode()


def test_a_completion_is_exported_once_unless_asked_again(admin_browser, course, reportable):
    first = _download_csv(admin_browser, course)
    assert len(first) == 2

    again = admin_browser.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": "csv"})
    assert again.status_code == 409
    assert "No completion is ready to report" in again.content.decode()

    resent = _download_csv(admin_browser, course, include_exported="on")
    assert resent[1] == first[1]
    assert ParsExportedCompletion.objects.filter(enrollment=reportable).count() == 2
    logs = list(ExportLog.objects.order_by("created_at").values_list("kind", "row_count", "options"))
    assert logs == [(ExportKind.PARS_CSV, 1, {"include_exported": False}),
                    (ExportKind.PARS_CSV, 1, {"include_exported": True})]


def test_a_revoked_certificate_is_not_reported(admin_browser, course, reportable):
    Certificate.objects.filter(enrollment=reportable).update(status=CertificateStatus.REVOKED,
                                                            revoked_at=timezone.now(), revoked_reason="Claimed in error")

    preview = _preview(admin_browser, course).context["preview"]

    assert (preview.without_physician_credit, len(preview.ready)) == (1, 0)


def test_a_course_without_an_accme_activity_id_cannot_be_reported(admin_browser, course, reportable):
    course.accme_activity_id = ""
    course.save()

    page = _preview(admin_browser, course)
    refused = admin_browser.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": "xlsx"})

    assert "This course has no ACCME activity ID" in page.content.decode()
    assert refused.status_code == 409
    assert not ParsExportedCompletion.objects.exists()


def test_a_course_not_reported_to_pars_is_left_out_with_a_note(admin_browser, course, reportable):
    course.is_reported_to_pars = False
    course.save()

    page = _preview(admin_browser, course)
    refused = admin_browser.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": "csv"})

    text = page.content.decode()
    assert "This course is marked “not reported to PARS”" in text
    assert page.context["preview"].learners == [] and "Amara Fenwick" not in text
    assert "Download CSV" not in text
    assert refused.status_code == 409 and "not reported to PARS" in refused.content.decode()
    assert not ParsExportedCompletion.objects.exists()


def test_completion_date_range_selects_the_completions(admin_browser, course, reportable):
    day = reportable.completed_at.date()

    assert len(_preview(admin_browser, course, date_from=day.isoformat()).context["preview"].ready) == 1
    before = day.replace(year=day.year - 1).isoformat()
    assert _preview(admin_browser, course, date_to=before).context["preview"].completions == 0
