"""Certificate administration as a CME administrator does it: revoke with a reason,
regenerate after a name correction, retry, re-send, download as ZIP (streamed or built by
the worker), issue for a whole course, preview a course's look, and who may do any of it."""

import io
import time
import zipfile
from decimal import Decimal

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Profile
from certificates import batch_services, exports, services
from certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchStatus,
    CertificateEventKind,
    CertificateLook,
    CertificateStatus,
)
from certificates.rendering import stored_pdf_bytes
from certificates.tasks import render_certificate
from courses.models import Enrollment
from tests.certificates.conftest import complete_course
from tests.courses.conftest import build_course
from tests.factories import ProfileFactory, UserFactory

CME_ADMINISTRATORS = "CME administrators"
# What migration 0002 grants the group. A transactional test's flush removes rows that
# migrations created, so there the group is rebuilt from this list.
ADMINISTRATOR_PERMISSIONS = [
    "view_certificate",
    "change_certificate",
    "view_creditclaim",
    "view_certificateevent",
    "view_certificatebatch",
    "view_certificatelook",
    "add_certificatelook",
    "change_certificatelook",
]
CHANGELIST = "admin:certificates_certificate_changelist"


# --- People and certificates --------------------------------------------------------


def staff_member(email: str, *, in_group: bool = True):
    """Staff with TOTP enrolled, as the admin requires; in the CME administrators group unless told otherwise."""
    user = UserFactory(email=email, is_staff=True)
    if in_group:
        group, created = Group.objects.get_or_create(name=CME_ADMINISTRATORS)
        if created:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="certificates", codename__in=ADMINISTRATOR_PERMISSIONS
                )
            )
        user.groups.add(group)
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(pyotp.random_base32())}
    )
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def administrator(db):
    return staff_member("cme-office@example.org")


@pytest.fixture
def admin_client(administrator):
    return signed_in(administrator)


def claimed_certificate(user, course, credits="1.75") -> Certificate:
    enrollment = complete_course(user, course)
    return services.credit_claim_create(enrollment=enrollment, user=user, credits=Decimal(credits), attested=True)


def rendered_now(certificate: Certificate) -> Certificate:
    """Run the real render task in this process, for tests without a worker."""
    render_certificate.apply(args=[certificate.pk])
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY, certificate.last_error
    return certificate


def wait_until(condition, *, timeout=60, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def wait_for_status(certificate: Certificate, status: str) -> Certificate:
    def reached():
        certificate.refresh_from_db()
        return certificate.status == status

    wait_until(reached, what=f"{certificate.code} to be {status}")
    return certificate


def run_action(client, action: str, certificates, **extra):
    data = {"action": action, "_selected_action": [certificate.pk for certificate in certificates], "index": "0"}
    return client.post(reverse(CHANGELIST), {**data, **extra})


def confirm_revoke(client, certificates, *, reason: str):
    """The confirmation page's form: the selection, the action, and the reason typed."""
    return client.post(
        reverse(CHANGELIST),
        {
            "action": "revoke_selected",
            "_selected_action": [certificate.pk for certificate in certificates],
            "confirm": "yes",
            "reason": reason,
        },
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def pdf_text(certificate: Certificate) -> str:
    return PdfReader(io.BytesIO(stored_pdf_bytes(certificate))).pages[0].extract_text()


# --- The group ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cme_administrators_group_may_look_at_certificates_and_change_them_through_actions():
    granted = set(
        Group.objects.get(name=CME_ADMINISTRATORS)
        .permissions.filter(content_type__app_label="certificates")
        .values_list("codename", flat=True)
    )
    assert granted == set(ADMINISTRATOR_PERMISSIONS)


# --- Revoke ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_asks_for_a_reason_and_the_verification_page_then_says_revoked(
    admin_client, administrator, physician, private_media
):
    certificate = rendered_now(claimed_certificate(physician, build_course(slug="revoke-me")))

    page = run_action(admin_client, "revoke_selected", [certificate])
    assert page.status_code == 200
    assert certificate.display_code in page.content.decode()
    assert 'name="reason"' in page.content.decode()

    without_reason = confirm_revoke(admin_client, [certificate], reason="   ")
    assert "Give a reason for revoking" in without_reason.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.READY

    done = confirm_revoke(admin_client, [certificate], reason="Attendance could not be confirmed with the director.")
    assert done.status_code == 302
    assert messages_of(done) == ["1 certificate revoked."]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_by == administrator
    assert certificate.events.get(kind=CertificateEventKind.REVOKED).actor == administrator

    verification = Client().get(reverse("certificates:verify", args=[certificate.code]))
    assert "Revoked" in verification.content.decode()


@pytest.mark.django_db
def test_revoking_an_already_revoked_certificate_is_reported_as_skipped(admin_client, physician, private_media):
    certificate = claimed_certificate(physician, build_course(slug="twice"))
    services.certificate_revoke(certificate=certificate, actor=None, reason="Duplicate record.")
    response = confirm_revoke(admin_client, [certificate], reason="Again.")
    assert messages_of(response) == [f"No certificates revoked; 1 skipped: {certificate.code} is already revoked."]


# --- Regenerate, retry, re-send: with the real worker --------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_regenerating_after_a_name_correction_prints_the_new_name_under_the_same_code(
    physician, private_media, celery_worker
):
    administrator = staff_member("cme-office@example.org")
    certificate = wait_for_status(claimed_certificate(physician, build_course(slug="renamed")), CertificateStatus.READY)
    code = certificate.code
    assert "Amara Fenwick-Oduya, MD" in pdf_text(certificate)
    Profile.objects.filter(user=physician).update(certificate_name="Amara Fenwick Oduya-Reyes, MD")

    response = run_action(signed_in(administrator), "regenerate_selected", [certificate])

    assert messages_of(response) == ["1 certificate queued for regeneration."]
    certificate = wait_for_status(certificate, CertificateStatus.READY)
    assert certificate.code == code
    assert certificate.learner_name == "Amara Fenwick Oduya-Reyes, MD"
    text = pdf_text(certificate)
    assert "Amara Fenwick Oduya-Reyes, MD" in text
    assert "Amara Fenwick-Oduya, MD" not in text
    # The file printing the old name goes once the corrected one is published.
    wait_until(
        lambda: (
            [path.name for path in (private_media / "certificates").iterdir()]
            == [certificate.pdf_path.rsplit("/", 1)[-1]]
        ),
        what="the old file to be removed",
    )
    regenerated = certificate.events.get(kind=CertificateEventKind.REGENERATED)
    assert regenerated.actor == administrator
    kinds = [event.kind for event in certificate.events.all()]
    assert kinds[kinds.index("regenerated") :][:2] == ["regenerated", "rendered"], "history is kept"
    assert kinds[:2] == ["created", "rendered"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_failed_certificate_is_retried_and_becomes_ready_once_storage_works_again(
    physician, private_media, tmp_path, settings, celery_worker
):
    administrator = staff_member("cme-office@example.org")
    settings.CERTIFICATE_RETRY_BASE_SECONDS = 0
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("storage is broken")
    settings.MEDIA_ROOT = str(blocker / "media")
    certificate = wait_for_status(claimed_certificate(physician, build_course(slug="retry")), CertificateStatus.FAILED)
    assert certificate.last_error

    failed_page = signed_in(administrator).get(reverse("admin:certificates_certificate_change", args=[certificate.pk]))
    assert "Rendering failed" in failed_page.content.decode()
    assert 'name="_save"' not in failed_page.content.decode(), "the change form is view-only"

    settings.MEDIA_ROOT = str(private_media)
    response = run_action(signed_in(administrator), "retry_selected", [certificate])

    assert messages_of(response) == ["1 certificate re-queued."]
    certificate = wait_for_status(certificate, CertificateStatus.READY)
    assert (private_media / certificate.pdf_path).is_file()
    assert certificate.events.get(kind=CertificateEventKind.RETRIED).actor == administrator


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_ready_email_is_sent_again_on_request(physician, private_media, celery_worker):
    administrator = staff_member("cme-office@example.org")
    certificate = wait_for_status(claimed_certificate(physician, build_course(slug="resend")), CertificateStatus.READY)
    wait_until(lambda: certificate.events.filter(kind=CertificateEventKind.EMAILED).exists(), what="the first email")
    with transaction.atomic():  # revoked before the worker could render it and email its learner
        revoked = claimed_certificate(ProfileFactory().user, build_course(slug="resend-revoked"))
        services.certificate_revoke(certificate=revoked, actor=None, reason="Claimed by mistake.")
    sent_before = len(mail.outbox)

    response = run_action(signed_in(administrator), "resend_email_selected", [certificate, revoked])

    assert messages_of(response) == [
        f"1 certificate queued to be emailed again; 1 skipped: {revoked.display_code} "
        "is revoked; only a ready certificate is emailed."
    ]
    wait_until(lambda: len(mail.outbox) > sent_before, what="the email")
    message = mail.outbox[-1]
    assert message.to == [physician.email]
    assert certificate.course_title in message.subject
    wait_until(
        lambda: certificate.events.filter(kind=CertificateEventKind.EMAILED).count() == 2,
        what="the email to be recorded",
    )


# --- ZIP ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_few_certificates_download_as_a_streamed_zip_of_pdfs_named_by_code(admin_client, physician, private_media):
    course = build_course(slug="zip-few")
    first = rendered_now(claimed_certificate(physician, course))
    second = rendered_now(claimed_certificate(ProfileFactory().user, course))
    pending = claimed_certificate(ProfileFactory().user, course)

    response = run_action(admin_client, "download_zip_selected", [first, second, pending])

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted([f"{first.code}.pdf", f"{second.code}.pdf"])
    for certificate in (first, second):
        assert archive.read(f"{certificate.code}.pdf") == stored_pdf_bytes(certificate)
    assert messages_of(response) == [f"2 certificates put in the ZIP; 1 skipped: {pending.display_code} is queued."]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_many_certificates_are_zipped_by_the_worker_with_progress_and_a_download(
    physician, private_media, monkeypatch, celery_worker
):
    monkeypatch.setattr(exports, "ZIP_STREAM_LIMIT", 1)
    administrator = staff_member("cme-office@example.org")
    client = signed_in(administrator)
    course = build_course(slug="zip-many")
    certificates = [claimed_certificate(physician, course), claimed_certificate(ProfileFactory().user, course)]
    for certificate in certificates:
        wait_for_status(certificate, CertificateStatus.READY)

    response = run_action(client, "download_zip_selected", certificates)

    batch = CertificateBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:certificates_certificate_batch", args=[batch.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'hx-trigger="every 2s"' in page.content.decode() or 'data-finished="true"' in page.content.decode()

    status_url = reverse("admin:certificates_certificate_batch_status", args=[batch.pk])
    wait_until(lambda: 'data-finished="true"' in client.get(status_url).content.decode(), what="the ZIP")
    finished = client.get(status_url).content.decode()
    assert "Done." in finished
    assert "hx-trigger" not in finished, "polling stops once the batch is done"
    download_url = reverse("admin:certificates_certificate_batch_download", args=[batch.pk])
    assert download_url in finished

    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"{certificate.code}.pdf" for certificate in certificates)
    assert archive.testzip() is None


# --- Bulk issue -----------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_bulk_issue_runs_on_the_worker_and_the_page_follows_it_to_the_end(physician, private_media, celery_worker):
    administrator = staff_member("cme-office@example.org")
    admin_client = signed_in(administrator)
    course = build_course(slug="grand-rounds-live")
    complete_course(physician, course)
    nameless = ProfileFactory(certificate_name="").user
    complete_course(nameless, course)
    issue_url = reverse("admin:certificates_certificate_issue")
    assert "Issue for a whole course" in admin_client.get(reverse(CHANGELIST)).content.decode()

    unattested = admin_client.post(issue_url, {"course": course.pk})
    assert "confirm the attestation" in unattested.content.decode()
    assert not CertificateBatch.objects.exists()

    response = admin_client.post(issue_url, {"course": course.pk, "attest": "on"})

    batch = CertificateBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:certificates_certificate_batch", args=[batch.pk])
    assert any("on the worker" in message for message in messages_of(response))
    status_url = reverse("admin:certificates_certificate_batch_status", args=[batch.pk])
    wait_until(
        lambda: 'data-finished="true"' in admin_client.get(status_url).content.decode(),
        what="the bulk issue and its renders",
    )

    certificate = Certificate.objects.get()
    assert certificate.user == physician
    assert certificate.credits == course.credits_max
    assert certificate.status == CertificateStatus.READY
    assert certificate.events.get(kind=CertificateEventKind.CREATED).actor == administrator
    page = admin_client.get(response.url).content.decode()
    assert "1 certificate issued; 1 learner skipped." in page
    assert "Done." in page and "1 of 1 certificate ready" in page
    assert f"{nameless.email}: profile is missing full name on certificates" in page
    assert 'hx-trigger="every 2s"' not in page


@pytest.mark.django_db
def test_a_bulk_issue_run_again_issues_no_second_certificate(
    administrator, physician, private_media, django_capture_on_commit_callbacks
):
    course = build_course(slug="run-twice")
    complete_course(physician, course)
    latecomer = ProfileFactory().user
    with django_capture_on_commit_callbacks():
        batch = batch_services.certificates_issue_request(course=course, actor=administrator)

    batch_services.certificates_issue_run(batch_id=batch.pk)
    # The worker died after its last claim, before acknowledging: the message comes back, and
    # meanwhile another learner completed the course.
    CertificateBatch.objects.filter(pk=batch.pk).update(status=CertificateBatchStatus.RUNNING)
    complete_course(latecomer, course)
    batch_services.certificates_issue_run(batch_id=batch.pk)

    batch.refresh_from_db()
    assert sorted(Certificate.objects.values_list("user__email", flat=True)) == sorted(
        [physician.email, latecomer.email]
    )
    assert batch.status == CertificateBatchStatus.DONE
    assert batch.total_count == 2 and batch.certificates.count() == 2
    # A finished batch run once more does nothing at all.
    assert batch_services.certificates_issue_run(batch_id=batch.pk) is None
    assert Certificate.objects.count() == 2


# --- Looks ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_render_a_sample_returns_the_course_certificate_as_an_inline_pdf(admin_client, private_media):
    course = build_course(slug="sample-look")
    look = CertificateLook.objects.create(
        course=course,
        signatory_name="Dr. Nadia Okonkwo-Lindqvist",
        signatory_title="Director of CME",
        accent_colour="#7A1F5C",
    )
    change_page = admin_client.get(reverse("admin:certificates_certificatelook_change", args=[look.pk]))
    sample_url = reverse("admin:certificates_certificatelook_sample", args=[look.pk])
    assert sample_url in change_page.content.decode()

    response = admin_client.get(sample_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in ("Jordan Sample-Learner", course.title, "Dr. Nadia Okonkwo-Lindqvist", "SAMPL-E0000"):
        assert expected in text, expected
    assert not Certificate.objects.exists(), "a sample is never saved"


# --- Who may -------------------------------------------------------------------------


def admin_urls(batch: CertificateBatch, look: CertificateLook) -> dict[str, str]:
    return {
        "changelist": reverse(CHANGELIST),
        "issue": reverse("admin:certificates_certificate_issue"),
        "batch": reverse("admin:certificates_certificate_batch", args=[batch.pk]),
        "batch status": reverse("admin:certificates_certificate_batch_status", args=[batch.pk]),
        "sample": reverse("admin:certificates_certificatelook_sample", args=[look.pk]),
        "claims": reverse("admin:certificates_creditclaim_changelist"),
        "batches": reverse("admin:certificates_certificatebatch_changelist"),
        "looks": reverse("admin:certificates_certificatelook_changelist"),
        "look logo": reverse("admin:certificates_certificatelook_image", args=[look.pk, "logo"]),
    }


@pytest.fixture
def batch_and_look(administrator):
    course = build_course(slug="guarded")
    batch = batch_services.certificates_issue_request(course=course, actor=administrator)
    return batch, CertificateLook.objects.create(course=course)


@pytest.mark.django_db
def test_learners_are_sent_to_sign_in_from_every_certificate_admin_page(batch_and_look, physician):
    client = signed_in(physician)
    batch, look = batch_and_look
    urls = {
        **admin_urls(batch, look),
        "download": reverse("admin:certificates_certificate_batch_download", args=[batch.pk]),
    }
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("admin:login")), name


@pytest.mark.django_db
def test_staff_outside_the_group_are_refused_every_certificate_admin_page(batch_and_look, physician, private_media):
    author = staff_member("author@example.org", in_group=False)
    author.groups.add(Group.objects.get(name="Course authors"))
    client = signed_in(author)
    batch, look = batch_and_look
    for name, url in admin_urls(batch, look).items():
        assert client.get(url).status_code == 403, name
    assert client.get(reverse("admin:certificates_certificate_batch_download", args=[batch.pk])).status_code == 404

    certificate = claimed_certificate(physician, build_course(slug="not-yours"))
    refused = confirm_revoke(client, [certificate], reason="Because.")
    assert refused.status_code == 403
    refused = client.post(
        reverse("admin:certificates_certificate_issue"), {"course": certificate.course_id, "attest": "on"}
    )
    assert refused.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.PENDING


# --- Planned queries ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 100])
def test_certificate_list_takes_the_same_queries_for_10_and_100_certificates(
    admin_client, django_assert_max_num_queries, settings, count
):
    # A hundred learners with the production password hasher would take most of a minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    course = build_course(slug="popular")
    for _ in range(count):
        learner = ProfileFactory().user
        claimed_certificate_without_the_course_walk(learner, course)
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse(CHANGELIST), {"all": ""})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


def claimed_certificate_without_the_course_walk(learner, course) -> Certificate:
    """A completed enrollment written straight to the table: the course walk is covered elsewhere
    and would make a hundred learners slow."""
    now = timezone.now()
    enrollment = Enrollment.objects.create(
        user=learner, course=course, post_test_passed_at=now, evaluation_submitted_at=now, completed_at=now
    )
    return services.credit_claim_create(enrollment=enrollment, user=learner, credits=Decimal("1"), attested=True)
