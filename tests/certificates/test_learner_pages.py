"""Certificates as the learner and the public see them: list, polling, download, transcript, verify."""

import csv
import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate, CertificateStatus
from tests.certificates.conftest import RENDER_TASK_ID, complete_course, mark_ready, transcript_pdf_ready
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory
from tests.spreadsheet_cases import FORMULA_TEXTS

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 issued certificate bytes"


def _ready(certificate: Certificate, pdf: bytes = FAKE_PDF) -> Certificate:
    return mark_ready(certificate, pdf)


@pytest.fixture
def certificate(physician, completed_enrollment, private_media):
    return services.credit_claim_create(
        enrollment=completed_enrollment, user=physician, credits=Decimal("1.75"), attested=True
    )


def test_pending_certificate_polls_and_stops_when_ready(client, physician, certificate):
    client.force_login(physician)
    page = client.get(reverse("certificates:list")).content.decode()
    assert "Queued" in page and 'hx-trigger="every 2s"' in page
    fragment = client.get(reverse("certificates:status", args=[certificate.code]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" in fragment.content.decode()
    _ready(certificate)
    fragment = client.get(
        reverse("certificates:status", args=[certificate.code]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Download PDF" in fragment and "hx-trigger" not in fragment


def test_the_list_learns_of_the_digital_credential_with_the_status_that_turns_ready(client, physician, certificate):
    client.force_login(physician)
    page = client.get(reverse("certificates:list")).content.decode()
    polled = f"{reverse('certificates:status', args=[certificate.code])}?credential_cell=1"
    assert f'hx-get="{polled}"' in page
    assert f'<td id="credential-{certificate.code}" data-label="Digital credential">—</td>' in page
    assert client.get(polled, HTTP_HX_REQUEST="true").content.decode().count("credential-") == 0, "nothing yet"

    _ready(certificate)
    fragment = client.get(polled, HTTP_HX_REQUEST="true").content.decode()

    # The cell beside the status is swapped in too (out of band), so the link shows without a reload.
    assert f'<td id="credential-{certificate.code}" data-label="Digital credential" hx-swap-oob="true">' in fragment
    assert reverse("badges:credential_download", args=[certificate.code]) in fragment
    # Pages without that cell (a live session's credit page) poll without asking for it.
    plain = client.get(reverse("certificates:status", args=[certificate.code]), HTTP_HX_REQUEST="true")
    assert "credential-" not in plain.content.decode()


def test_failed_certificate_tells_the_learner_it_will_be_retried(client, physician, certificate):
    services.certificate_mark_rendering(certificate_id=certificate.pk, generation=1, task_id=RENDER_TASK_ID)
    services.certificate_mark_failed(
        certificate_id=certificate.pk, generation=1, task_id=RENDER_TASK_ID, error="boom", final=True
    )
    client.force_login(physician)
    page = client.get(reverse("certificates:list")).content.decode()
    assert "administrators have been told" in page and "boom" not in page


def test_only_the_owner_can_download_or_poll(client, certificate):
    _ready(certificate)
    client.force_login(ProfileFactory().user)
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404
    assert client.get(reverse("certificates:status", args=[certificate.code])).status_code == 404
    assert certificate.code not in client.get(reverse("certificates:list")).content.decode()


def test_owner_downloads_the_stored_file(client, physician, certificate):
    _ready(certificate)
    client.force_login(physician)
    response = client.get(reverse("certificates:download", args=[certificate.code]))
    assert b"".join(response.streaming_content) == FAKE_PDF
    assert certificate.code in response["Content-Disposition"]


def test_a_ready_certificate_whose_file_is_gone_answers_not_found_instead_of_failing(
    client, physician, certificate, private_media
):
    certificate = _ready(certificate)
    (private_media / certificate.pdf_path).unlink()
    client.force_login(physician)
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404


def test_not_ready_certificate_cannot_be_downloaded(client, physician, certificate):
    client.force_login(physician)
    assert client.get(reverse("certificates:download", args=[certificate.code])).status_code == 404


def test_verify_page_shows_the_record_and_the_hash_without_login(client, certificate):
    certificate = _ready(certificate)
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    for expected in (
        "Valid",
        "Amara Fenwick-Oduya, MD",
        certificate.course_title,
        "1.75",
        certificate.pdf_sha256,
        certificate.provider_name,
    ):
        assert expected in page
    assert certificate.user.email not in page, "nothing beyond what the certificate shows"
    assert "NPI" not in page


def test_verify_accepts_the_code_as_people_type_it(client, certificate):
    _ready(certificate)
    typed = f"{certificate.code[:5].lower()}-{certificate.code[5:].lower()}"
    assert client.get(f"/verify/{typed}/").status_code == 200


def test_verify_upload_tells_whether_a_file_is_the_one_issued(client, certificate):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _ready(certificate)
    url = reverse("certificates:verify", args=[certificate.code])
    same = client.post(url, {"pdf": SimpleUploadedFile("c.pdf", FAKE_PDF, "application/pdf")}).content.decode()
    assert "Identical" in same
    other = client.post(url, {"pdf": SimpleUploadedFile("c.pdf", FAKE_PDF + b"x", "application/pdf")}).content.decode()
    assert "Not identical" in other


def test_revoked_certificate_verifies_as_revoked_with_its_date(client, certificate, admin_user):
    _ready(certificate)
    services.certificate_revoke(certificate=certificate, actor=admin_user, reason="Issued in error")
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Revoked" in page and timezone.now().strftime("%B") in page


def test_a_revoked_certificate_is_no_longer_offered_or_served_to_its_owner(client, physician, certificate, admin_user):
    _ready(certificate)
    client.force_login(physician)
    download = reverse("certificates:download", args=[certificate.code])
    assert client.get(download).status_code == 200

    services.certificate_revoke(certificate=certificate, actor=admin_user, reason="Issued in error")
    assert client.get(download).status_code in (404, 410)
    page = client.get(reverse("certificates:list")).content.decode()
    assert "Revoked" in page
    assert download not in page and "Download PDF" not in page
    assert reverse("badges:credential_download", args=[certificate.code]) not in page


def test_unknown_or_unissued_codes_are_404(client, certificate):
    assert client.get("/verify/ZZZZZZZZZZ/").status_code == 404
    assert client.get(reverse("certificates:verify", args=[certificate.code])).status_code == 404  # still pending


def test_verification_is_rate_limited(client, certificate, rate_limit_clock_mid_minute):
    _ready(certificate)
    url = reverse("certificates:verify", args=[certificate.code])
    statuses = [client.get(url).status_code for _ in range(35)]
    assert statuses[0] == 200 and statuses[-1] == 429


def test_transcript_totals_and_exports(client, physician, certificate):
    second = complete_course(physician, build_course(slug="second-course"))
    services.credit_claim_create(enrollment=second, user=physician, credits=Decimal("0.75"), attested=True)
    client.force_login(physician)
    page = client.get(reverse("certificates:transcript")).content.decode()
    assert "<td>2.5 AMA PRA Category 1 Credits™</td>" in page, "1.75 + 0.75 totalled per type"
    csv_body = client.get(reverse("certificates:transcript") + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_body)))
    assert rows[0][:2] == ["Completed", "Activity"] and len(rows) == 3
    assert {row[4] for row in rows[1:]} == {"1.75", "0.75"}
    transcript_pdf_ready(physician)
    response = client.get(reverse("certificates:transcript_pdf_download"))
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "second-course" in text.lower() or "Course second-course" in text


@pytest.mark.parametrize("dangerous", FORMULA_TEXTS)
def test_transcript_csv_neutralises_formula_cells(client, dangerous):
    learner = ProfileFactory().user
    course = build_course(slug="formula")
    course.title = dangerous
    course.provider_name = dangerous
    course.save()
    enrollment = complete_course(learner, course)
    services.credit_claim_create(enrollment=enrollment, user=learner, credits=Decimal("1"), attested=True)
    client.force_login(learner)
    body = client.get(reverse("certificates:transcript") + "?format=csv").content.decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(body)))[1]
    assert row[1:3] == ["'" + dangerous, "'" + dangerous]  # Activity, Provider


def test_transcript_csv_opens_in_excel_with_the_trademark_sign_intact(client, physician, certificate):
    client.force_login(physician)
    body = client.get(reverse("certificates:transcript") + "?format=csv").content
    # Excel reads a CSV as UTF-8 only when it starts with the byte-order mark.
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Completed"
    assert rows[1][3] == "AMA PRA Category 1 Credit™"


def test_the_stored_hash_is_of_the_stored_bytes(certificate):
    certificate = _ready(certificate, pdf=b"%PDF-other")
    assert certificate.status == CertificateStatus.READY
    assert certificate.pdf_sha256 == hashlib.sha256(b"%PDF-other").hexdigest()
