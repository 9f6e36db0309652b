"""The admin's own pages for certificates: revoking with a reason, issuing for a whole
course, following a batch job, downloading a built ZIP, and previewing a course's look.

Each page is mixed into its ModelAdmin and wrapped by `admin_site.admin_view`, so
anyone who is not active staff is sent to sign in; beyond that, each page checks the
model permission it needs (the "CME administrators" group holds them, migration 0002).
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from certificates import batch_services, exports, rendering
from certificates.models import (
    Certificate,
    CertificateBatch,
    CertificateBatchStatus,
    CertificateLook,
    CertificateStatus,
    CreditType,
)
from courses.models import Course
from lms.files import private_file_open

# --- Forms ----------------------------------------------------------------------------


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason for revoking",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="Recorded in each certificate's history with your name. The public verification page "
        "will say the certificate is revoked and since when.",
        error_messages={"required": "Give a reason for revoking: it is kept in each certificate's history."},
    )


class BulkIssueForm(forms.Form):
    course = forms.ModelChoiceField(
        queryset=Course.objects.order_by("title"),
        label="Course",
        help_text="Every learner who completed it and has no certificate yet.",
    )
    attest = forms.BooleanField(
        label="I attest, from our attendance record (for example a live event's sign-in sheet), that these "
        "learners took part in the activity for its full designated credit.",
        error_messages={"required": "Bulk issue attests on the learners' behalf: confirm the attestation."},
    )


# --- Progress of a batch --------------------------------------------------------------


@dataclass(frozen=True)
class BatchProgress:
    done: int
    total: int
    failed: int
    is_finished: bool

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total


def batch_progress(batch: CertificateBatch) -> BatchProgress:
    """An export counts the PDFs written into its ZIP; a bulk issue counts its certificates
    that the worker has made ready (failed or revoked ones are final too, so they finish it)."""
    if batch.is_export:
        return BatchProgress(
            done=batch.processed_count,
            total=batch.total_count,
            failed=0,
            is_finished=batch.status in (CertificateBatchStatus.DONE, CertificateBatchStatus.FAILED),
        )
    # While the worker is still issuing, the total grows: the batch is not finished yet.
    is_issued = batch.status in (CertificateBatchStatus.DONE, CertificateBatchStatus.FAILED)
    counts = batch.certificates.aggregate(
        ready=Count("pk", filter=Q(status=CertificateStatus.READY)),
        failed=Count("pk", filter=Q(status__in=[CertificateStatus.FAILED, CertificateStatus.REVOKED])),
    )
    return BatchProgress(
        done=counts["ready"],
        total=batch.total_count,
        failed=counts["failed"],
        is_finished=is_issued and counts["ready"] + counts["failed"] >= batch.total_count,
    )


# --- Certificates: revoke page, bulk issue, batches, ZIP streaming --------------------


class CertificatePages:
    """Pages of CertificateAdmin beyond the changelist and the change form."""

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("issue/", view(self.issue_view), name="certificates_certificate_issue"),
            path("batches/<int:batch_id>/", view(self.batch_view), name="certificates_certificate_batch"),
            path(
                "batches/<int:batch_id>/status/",
                view(self.batch_status_view),
                name="certificates_certificate_batch_status",
            ),
            path(
                "batches/<int:batch_id>/download/",
                view(self.batch_download_view),
                name="certificates_certificate_batch_download",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, context: dict) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                **context,
            },
        )

    def revoke_confirmation(self, request, queryset, form: RevokeForm) -> TemplateResponse:
        return self._page(
            request,
            "admin/certificates/certificate/revoke_confirmation.html",
            {
                "title": "Revoke certificates",
                "certificates": queryset,
                "form": form,
                "action_name": "revoke_selected",
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    def zip_response(self, certificates: list[Certificate]) -> StreamingHttpResponse:
        members = [exports.member_for(certificate) for certificate in certificates]
        response = StreamingHttpResponse(exports.zip_stream(members), content_type="application/zip")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="docere-certificates-{stamp}.zip"'
        return response

    def issue_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = BulkIssueForm(request.POST or None, initial={"course": request.GET.get("course")})
        if request.method == "POST" and form.is_valid():
            course = form.cleaned_data["course"]
            batch = batch_services.certificates_issue_request(course=course, actor=request.user)
            self.message_user(
                request,
                f"Issuing certificates for “{course.title}” on the worker. This page "
                "follows its progress; you may leave it and come back.",
                messages.SUCCESS,
            )
            return redirect("admin:certificates_certificate_batch", batch.pk)
        return self._page(
            request,
            "admin/certificates/certificate/issue.html",
            {
                "title": "Issue certificates for a whole course",
                "form": form,
            },
        )

    def _batch(self, request, batch_id: int) -> CertificateBatch:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(CertificateBatch.objects.select_related("course", "created_by"), pk=batch_id)

    def _batch_context(self, batch: CertificateBatch) -> dict:
        return {"batch": batch, "progress": batch_progress(batch)}

    def batch_view(self, request, batch_id: int):
        batch = self._batch(request, batch_id)
        title = (
            f"ZIP of {batch.total_count} certificates"
            if batch.is_export
            else f"Bulk issue: {batch.course.title if batch.course else 'course'}"
        )
        return self._page(
            request, "admin/certificates/certificate/batch.html", {"title": title, **self._batch_context(batch)}
        )

    def batch_status_view(self, request, batch_id: int):
        """The progress block alone, polled by htmx every two seconds until the batch is finished."""
        batch = self._batch(request, batch_id)
        return TemplateResponse(
            request, "admin/certificates/certificate/batch_progress.html", self._batch_context(batch)
        )

    def batch_download_view(self, request, batch_id: int):
        # A 404 rather than a 403 for staff without the permission: the ZIP holds learners'
        # certificates, and its existence is nobody else's business.
        if not self.has_view_permission(request):
            raise Http404("No such export.")
        batch = get_object_or_404(CertificateBatch, pk=batch_id)
        if not batch.is_downloadable:
            raise Http404("This export is not ready.")
        try:
            handle = private_file_open(batch.file_path)
        except FileNotFoundError as error:
            raise Http404("This export's file is gone; select the certificates and download them again.") from error
        stamp = timezone.localtime(batch.created_at).strftime("%Y%m%d-%H%M%S")
        return FileResponse(
            handle,
            as_attachment=True,
            content_type="application/zip",
            filename=f"docere-certificates-{stamp}-batch-{batch.pk}.zip",
        )


# --- Certificate looks: images and the sample certificate -----------------------------

LOOK_IMAGE_FIELDS = ("logo", "signature_image")
SAMPLE_LEARNER_NAME = "Jordan Sample-Learner, MD"
# Not a valid code ("L" is not in the code alphabet), so a sample can never be mistaken
# for, or verified as, a real certificate.
SAMPLE_CODE = "SAMPLE0000"


@dataclass(frozen=True)
class _LinkedFile:
    name: str
    url: str

    def __str__(self) -> str:
        return self.name


class PrivateImageInput(forms.ClearableFileInput):
    """Private media has no public URL (MEDIA_URL is None): the current image links to the
    staff-only admin view that serves it, instead of the storage URL Django would ask for."""

    def is_initial(self, value) -> bool:
        return isinstance(value, FieldFile) and bool(value.name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            url = reverse("admin:certificates_certificatelook_image", args=[value.instance.pk, value.field.name])
            context["widget"]["value"] = _LinkedFile(name=value.name.rsplit("/", 1)[-1], url=url)
        return context


def look_image_link(look: CertificateLook, field_name: str) -> str:
    image = getattr(look, field_name)
    if not image:
        return "—"
    url = reverse("admin:certificates_certificatelook_image", args=[look.pk, field_name])
    return format_html('<a href="{}">{}</a>', url, image.name.rsplit("/", 1)[-1])


def sample_certificate(course: Course) -> Certificate:
    """An unsaved certificate with the course's printed facts and a sample learner."""
    return Certificate(
        code=SAMPLE_CODE,
        course=course,
        learner_name=SAMPLE_LEARNER_NAME,
        learner_credentials="MD",
        course_title=course.title,
        activity_format=course.get_activity_format_display(),
        provider_name=course.provider_name,
        accreditation_statement=course.accreditation_statement_text,
        designation_statement=course.designation_statement_text,
        credit_type=CreditType.AMA_PRA_CATEGORY_1,
        credits=course.credits_max or Decimal("1"),
        completion_date=timezone.localdate(),
        issued_at=timezone.now(),
    )


class CertificateLookPages:
    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:object_id>/sample/", view(self.sample_view), name="certificates_certificatelook_sample"),
            path(
                "<int:object_id>/image/<str:field_name>/",
                view(self.image_view),
                name="certificates_certificatelook_image",
            ),
            *super().get_urls(),
        ]

    def _look(self, request, object_id: int) -> CertificateLook:
        look = self.get_object(request, str(object_id))
        if look is None:
            raise Http404("No such certificate look.")
        if not self.has_view_permission(request, look):
            raise PermissionDenied
        return look

    def sample_view(self, request, object_id: int):
        """Render the saved look as a PDF, inline, exactly as the worker would render a certificate."""
        look = self._look(request, object_id)
        certificate = sample_certificate(look.course)
        pdf = rendering.html_to_pdf(rendering.certificate_html(certificate, look=look))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="sample-certificate-{look.course.slug}.pdf"'
        return response

    def image_view(self, request, object_id: int, field_name: str):
        if field_name not in LOOK_IMAGE_FIELDS:
            raise Http404("No such image.")
        image = getattr(self._look(request, object_id), field_name)
        if not image:
            raise Http404("No image uploaded.")
        return FileResponse(image.open("rb"), filename=image.name.rsplit("/", 1)[-1])


# Beyond this many, a message listing every skipped certificate is no longer read.
REPORTED_SKIPS = 10


def report_outcomes(model_admin: admin.ModelAdmin, request, *, done: int, done_phrase: str, skipped: list[str]) -> None:
    """One admin message per action: how many it did, and each certificate it left alone and why."""
    noun = "certificate" if done == 1 else "certificates"
    message = f"{done} {noun} {done_phrase}" if done else f"No certificates {done_phrase}"
    if skipped:
        reasons = "; ".join(reason.rstrip(".") for reason in skipped[:REPORTED_SKIPS])
        if len(skipped) > REPORTED_SKIPS:
            reasons += f"; and {len(skipped) - REPORTED_SKIPS} more"
        message += f"; {len(skipped)} skipped: {reasons}"
    level = messages.SUCCESS if not skipped else messages.WARNING if done else messages.ERROR
    model_admin.message_user(request, message + ".", level)
