"""Journey 4: a CME administrator revokes a certificate, regenerates another after a name
correction, downloads a ZIP of a course's certificates, and opens the reports."""

import io
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, Permission
from pypdf import PdfReader

from certificates import services as certificate_services
from certificates.models import Certificate, CertificateStatus
from certificates.rendering import stored_pdf_bytes
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.e2e.conftest import totp_code
from tests.factories import PASSWORD, ProfileFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_ready(certificate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        certificate.refresh_from_db()
        if certificate.status == CertificateStatus.READY:
            return certificate
        time.sleep(0.1)
    raise AssertionError(f"{certificate.code} stayed {certificate.status}: {certificate.last_error}")


def administrator_logs_in(page):
    administrator = UserFactory(email="cme.office@example.org", is_staff=True)
    # Transactional tests empty the tables, so the group from the data migration is rebuilt here.
    group, _ = Group.objects.get_or_create(name="CME administrators")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=["certificates", "courses", "reports"]))
    administrator.groups.add(group)
    secret = pyotp.random_base32()
    TOTP.activate(administrator, secret)
    page.goto("/admin/")
    page.get_by_label("Email").fill(administrator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    return administrator


def run_action(page, codes: list[str], action_label: str) -> None:
    page.goto("/admin/certificates/certificate/")
    for code in codes:
        page.locator("tr", has_text=f"{code[:5]}-{code[5:]}").locator("input.action-select").check()
    page.get_by_label("Action:").select_option(label=action_label)
    page.get_by_role("button", name="Go").click()


def test_administrator_revokes_regenerates_zips_and_reports(page, private_media):
    course = build_course(slug="admin-journey")
    first = ProfileFactory(certificate_name="Tomas Herrera-Lind, MD").user
    second = ProfileFactory(certificate_name="Priya Ramaswamy-Cole, MD").user
    certificates = []
    for learner in (first, second):
        enrollment = complete_course(learner, course)
        certificates.append(
            certificate_services.credit_claim_create(
                enrollment=enrollment, user=learner, credits=Decimal("1.75"), attested=True
            )
        )
    revoked, corrected = (wait_ready(certificate) for certificate in certificates)

    administrator_logs_in(page)

    run_action(page, [revoked.code], "Revoke selected certificates…")
    page.get_by_label(re.compile("Reason")).fill("Claimed for the wrong activity")
    page.get_by_role("button", name=re.compile("Revoke 1 certificate")).click()
    page.get_by_text(re.compile("1 certificate revoked")).wait_for()
    page.goto(f"/verify/{revoked.code}/")
    page.get_by_text("Revoked").first.wait_for()

    profile = second.profile
    profile.certificate_name = "Priya Ramaswamy Cole, MD"  # the learner asked for a correction
    profile.save()
    old_hash = corrected.pdf_sha256
    run_action(page, [corrected.code], "Regenerate with the learner's current name (same code)")
    page.get_by_text(re.compile("queued for regeneration")).wait_for()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        corrected.refresh_from_db()
        if corrected.status == CertificateStatus.READY and corrected.pdf_sha256 != old_hash:
            break
        time.sleep(0.1)
    text = PdfReader(io.BytesIO(stored_pdf_bytes(corrected))).pages[0].extract_text()
    assert "Priya Ramaswamy Cole, MD" in text and corrected.display_code in text
    assert corrected.events.filter(kind="regenerated").exists()

    page.goto("/admin/certificates/certificate/")
    page.locator("#action-toggle").check()
    page.get_by_label("Action:").select_option(label="Download selected as ZIP")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Go").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert archive.namelist() == [f"{corrected.code}.pdf"], "the revoked certificate is left out"

    assert Certificate.objects.get(pk=revoked.pk).status == CertificateStatus.REVOKED
    page.audit.assert_clean()
