"""The PARS learner-completion files (Excel template and tab-delimited batch file): columns
and formats, MOC only where the activity is registered with the learner's board, consent,
the validation report, and each completion reported once unless asked again."""

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
from courses.models import CourseMocRegistration, Enrollment, MocBoard, MocCreditType
from reports.models import ExportKind, ExportLog, ParsExportedCompletion
from reports.pars import COLUMNS
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory
from tests.spreadsheet_cases import FORMULA_TEXTS

pytestmark = pytest.mark.django_db

EXPECTED_COLUMNS = [
    "Record Action",
    "ACCME Activity ID",
    "Completion Date",
    "First Name",
    "Last Name",
    "Date of Birth",
    "Licensing State",
    "Licensing ID",
    "NPI",
    "Number of CME Credits",
    "Certifying Board",
    "Certifying Board ID",
    "Total Board Credits",
    "Credit Type",
    "Credits Awarded for Credit Type",
]


def _claim(user, course, credits="1.50") -> Enrollment:
    enrollment = complete_course(user, course)
    certificate_services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal(credits), attested=True)
    return enrollment


def _register(course, board, credit_type, points):
    return CourseMocRegistration.objects.create(
        course=course, board=board, credit_type=credit_type, points=Decimal(points)
    )


@pytest.fixture
def course():
    """1.75 credits, registered for ABIM MOC (Medical Knowledge, 1.75 points) and nothing else."""
    course = build_course(slug="pars-course", modules=1, bank=2, knowledge_checks=False)
    course.accme_activity_id = "004567891"
    course.save()
    _register(course, MocBoard.ABIM, MocCreditType.MEDICAL_KNOWLEDGE, "1.75")
    return course


@pytest.fixture
def reportable(course):
    """A consenting physician (ABIM, Ohio licence, no NPI) who claimed 1.5 credits."""
    user = ProfileFactory(
        first_name="Amara",
        last_name="Fenwick",
        certifying_board="ABIM",
        board_id="246810",
        birth_month=4,
        birth_day=7,
        licence_state="OH",
        licence_number="35.123456",
        npi="",
    ).user
    return _claim(user, course)


def _preview(client, course, **query):
    response = client.get(reverse("reports:pars"), {"course": course.slug, **query})
    assert response.status_code == 200
    return response


def _post(client, course, file_format, **form):
    return client.post(reverse("reports:pars_download"), {"course": course.slug, "file_format": file_format, **form})


def _download_tab(client, course, **form) -> list[list[str]]:
    response = _post(client, course, "tab", **form)
    assert response.status_code == 200, response.content[:400]
    body = response.content
    assert not body.startswith(b"\xef\xbb\xbf")  # read by PARS: no byte-order mark
    text = body.decode("utf-8")
    assert text.endswith("\r\n") and text.count("\r\n") == text.count("\n")  # CRLF after every line
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE))


def _download_xlsx(client, course, **form):
    response = _post(client, course, "xlsx", **form)
    assert response.status_code == 200, response.content[:400]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def _xlsx_rows(sheet) -> list[list[str]]:
    return [[cell.value or "" for cell in row] for row in sheet.iter_rows()]


def test_both_files_have_the_template_columns_in_order_and_values_in_their_formats(admin_browser, course, reportable):
    completed = reportable.completed_at
    expected = [
        "Add",
        "004567891",
        f"{completed:%m/%d/%Y}",
        "Amara",
        "Fenwick",
        "04/07",
        "OH",
        "35.123456",
        "",
        "1.50",
        "ABIM",
        "246810",
        "1.50",
        "Medical Knowledge",
        "1.50",
    ]

    sheet = _download_xlsx(admin_browser, course)
    tab_rows = _download_tab(admin_browser, course, include_exported="on")

    assert COLUMNS == EXPECTED_COLUMNS
    assert _xlsx_rows(sheet) == [EXPECTED_COLUMNS, expected]
    assert sheet.title == "Learners"
    assert all(cell.data_type == "s" for cell in sheet[2] if cell.value is not None)  # text: "004567891" survives
    # The tab-delimited file has no header row: one line per learner, the same columns.
    assert tab_rows == [expected]


def test_files_are_named_for_the_course_and_the_format(admin_browser, course, reportable):
    xlsx = _post(admin_browser, course, "xlsx")
    tab = _post(admin_browser, course, "tab", include_exported="on")

    assert xlsx["Content-Disposition"] == 'attachment; filename="docere-pars-pars-course.xlsx"'
    assert tab["Content-Disposition"] == 'attachment; filename="docere-pars-pars-course.txt"'
    assert tab["Content-Type"] == "text/tab-separated-values; charset=utf-8"


def test_moc_columns_stay_empty_for_a_board_the_activity_is_not_registered_with(admin_browser, course):
    # ABS is a PARS board, but this activity is registered for ABIM MOC only.
    surgeon = ProfileFactory(certifying_board="ABS", board_id="555", npi="").user
    _claim(surgeon, course)

    row = _download_tab(admin_browser, course)[0]
    page = _preview(admin_browser, course)

    assert row[6:10] == ["OH", "35.000001", "", "1.50"]  # reported to the state, for CME
    assert row[10:] == ["", "", "", "", ""]
    assert (
        "Ada Learner: This activity is not registered for ABS MOC; only state credit is reported."
        in page.content.decode()
    )


def test_a_course_with_no_moc_registration_reports_cme_only(admin_browser, course, reportable):
    course.moc_registrations.all().delete()

    row = _download_tab(admin_browser, course)[0]

    assert row[10:] == ["", "", "", "", ""]
    assert row[6:10] == ["OH", "35.123456", "", "1.50"]


def test_moc_points_are_the_registrations_not_a_copy_of_the_cme_credit(admin_browser, course, reportable):
    # Only part of the activity counts for MOC: 1 point of Patient Safety, whatever the CME credit.
    course.moc_registrations.update(credit_type=MocCreditType.PATIENT_SAFETY, points=Decimal("1.00"))

    row = _download_tab(admin_browser, course)[0]

    assert row[9] == "1.50"  # CME credit claimed
    assert row[10:] == ["ABIM", "246810", "1.00", "Patient Safety", "1.00"]


def test_other_boards_take_the_points_the_learner_earned_up_to_the_registered_points(admin_browser, course):
    learner = ProfileFactory(certifying_board="ABIM", board_id="99").user
    _claim(learner, course, credits="0.50")

    row = _download_tab(admin_browser, course)[0]

    assert row[9] == "0.50"
    assert row[12:] == ["0.50", "Medical Knowledge", "0.50"]


def test_an_abp_diplomate_always_carries_the_activitys_full_moc_points(admin_browser, course):
    _register(course, MocBoard.ABP, MocCreditType.LIFELONG_LEARNING_SELF_ASSESSMENT, "1.75")
    pediatrician = ProfileFactory(first_name="Pia", certifying_board="ABP", board_id="777777").user
    _claim(pediatrician, course, credits="0.75")  # claimed less than the 1.75 credits available

    sheet_row = _xlsx_rows(_download_xlsx(admin_browser, course))[1]

    assert sheet_row[9] == "0.75"  # the CME credit claimed is reported as claimed
    # ABP accepts no partial or variable credit: the full registered points, never 0.75.
    assert sheet_row[10:] == ["ABP", "777777", "1.75", "Lifelong Learning and Self-Assessment", "1.75"]


def test_licence_number_and_npi_go_in_their_own_columns(admin_browser, course):
    both = ProfileFactory(
        first_name="Both", last_name="A", licence_number="35.1", npi="1234567893", certifying_board=""
    ).user
    npi_only = ProfileFactory(
        first_name="Npi", last_name="B", licence_number="", npi="1234567893", certifying_board=""
    ).user
    _claim(both, course)
    _claim(npi_only, course)

    rows = {row[3]: row for row in _download_tab(admin_browser, course)}

    assert rows["Both"][6:9] == ["OH", "35.1", "1234567893"]
    assert rows["Npi"][6:9] == ["OH", "", "1234567893"]
    assert rows["Npi"][10:] == ["", "", "", "", ""]  # no board: the board columns stay empty


def test_tab_file_fields_never_hold_a_tab_or_a_line_break(admin_browser, course, reportable):
    Profile.objects.filter(user=reportable.user).update(first_name="Ama\tra", last_name="Fen\r\nwick\nJr")

    rows = _download_tab(admin_browser, course)

    assert len(rows) == 1 and len(rows[0]) == len(EXPECTED_COLUMNS)
    assert rows[0][3:5] == ["Ama ra", "Fen wick Jr"]


@pytest.mark.parametrize("dangerous", FORMULA_TEXTS)
def test_formula_text_is_guarded_the_same_way_in_both_files(admin_browser, course, reportable, dangerous):
    Profile.objects.filter(user=reportable.user).update(last_name=dangerous, board_id=dangerous)
    # Names and IDs are trimmed before they are written, so a leading tab or return goes first.
    guarded = "'" + dangerous.strip()

    xlsx_row = _xlsx_rows(_download_xlsx(admin_browser, course))[1]
    tab_row = _download_tab(admin_browser, course, include_exported="on")[0]

    assert xlsx_row[4] == tab_row[4] == guarded
    assert xlsx_row[11] == tab_row[11] == guarded


def test_an_old_csv_download_is_sent_back_to_the_page_and_nothing_is_exported(admin_browser, course, reportable):
    response = _post(admin_browser, course, "csv", date_from="2020-01-01")

    assert response.status_code == 303
    assert response["Location"] == reverse("reports:pars") + "?course=pars-course&date_from=2020-01-01"
    page = admin_browser.get(response["Location"]).content.decode()
    assert "CSV is not a PARS upload format" in page
    assert "Download CSV" not in page and "Download tab-delimited learner batch file" in page
    assert not ExportLog.objects.exists() and not ParsExportedCompletion.objects.exists()


def test_learners_without_consent_or_who_are_not_physicians_are_never_exported(admin_browser, course, reportable):
    withdrawn = ProfileFactory(first_name="Withdrawn", board_id="").user
    _claim(withdrawn, course)
    Profile.objects.filter(user=withdrawn).update(reporting_consent=False)
    nurse = ProfileFactory(first_name="Nurse", profession="other_hp", credentials="RN").user
    _claim(nurse, course)

    page = _preview(admin_browser, course)
    rows = _download_tab(admin_browser, course)

    preview = page.context["preview"]
    assert (preview.completions, preview.without_consent, preview.not_physicians) == (3, 1, 1)
    assert "Withdrawn" not in page.content.decode()
    assert [row[3] for row in rows] == ["Amara"]


def test_validation_report_lists_each_learner_with_what_their_board_or_state_needs(admin_browser, course, reportable):
    board_gap = ProfileFactory(first_name="Bo", last_name="Ard", certifying_board="ABIM").user
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
    assert [row[3] for row in _download_tab(admin_browser, course)] == ["Amara"]


def test_validation_report_is_empty_when_every_record_is_complete(admin_browser, course, reportable):
    page = _preview(admin_browser, course)

    assert page.context["preview"].with_problems == []
    assert "No reportable learner is missing anything." in page.content.decode()


def test_a_completion_is_exported_once_unless_asked_again(admin_browser, course, reportable):
    first = _download_tab(admin_browser, course)
    assert len(first) == 1

    again = _post(admin_browser, course, "tab")
    assert again.status_code == 409
    assert "No completion is ready to report" in again.content.decode()

    resent = _download_xlsx(admin_browser, course, include_exported="on")
    assert _xlsx_rows(resent)[1] == first[0]
    assert ParsExportedCompletion.objects.filter(enrollment=reportable).count() == 2
    logs = list(ExportLog.objects.order_by("created_at").values_list("kind", "row_count", "options"))
    assert logs == [
        (ExportKind.PARS_TAB, 1, {"include_exported": False}),
        (ExportKind.PARS_XLSX, 1, {"include_exported": True}),
    ]


def test_a_revoked_certificate_is_not_reported(admin_browser, course, reportable):
    Certificate.objects.filter(enrollment=reportable).update(
        status=CertificateStatus.REVOKED, revoked_at=timezone.now(), revoked_reason="Claimed in error"
    )

    preview = _preview(admin_browser, course).context["preview"]

    assert (preview.without_physician_credit, len(preview.ready)) == (1, 0)


def test_a_course_without_an_accme_activity_id_cannot_be_reported(admin_browser, course, reportable):
    course.accme_activity_id = ""
    course.save()

    page = _preview(admin_browser, course)
    refused = _post(admin_browser, course, "xlsx")

    assert "This course has no ACCME activity ID" in page.content.decode()
    assert refused.status_code == 409
    assert not ParsExportedCompletion.objects.exists()


def test_a_course_not_reported_to_pars_is_left_out_with_a_note(admin_browser, course, reportable):
    course.is_reported_to_pars = False
    course.save()

    page = _preview(admin_browser, course)
    refused = _post(admin_browser, course, "tab")

    text = page.content.decode()
    assert "This course is marked “not reported to PARS”" in text
    assert page.context["preview"].learners == [] and "Amara Fenwick" not in text
    assert "Download tab-delimited" not in text and "Download Excel" not in text
    assert refused.status_code == 409 and "not reported to PARS" in refused.content.decode()
    assert not ParsExportedCompletion.objects.exists()


def test_completion_date_range_selects_the_completions(admin_browser, course, reportable):
    day = reportable.completed_at.date()

    assert len(_preview(admin_browser, course, date_from=day.isoformat()).context["preview"].ready) == 1
    before = day.replace(year=day.year - 1).isoformat()
    assert _preview(admin_browser, course, date_to=before).context["preview"].completions == 0
