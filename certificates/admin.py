"""Certificate administration, for the "CME administrators" group (migration 0002).

Certificates come from learners' claims, never from the admin's add form, and the change
form is view-only: every change is an action that calls `certificates.services` (the "ready"
email: `ready_email_services`), exactly as the learner's own pages do, and reports what
happened to each certificate selected.
"""

from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from certificates import batch_services, exports, ready_email_services, services
from certificates.admin_views import (
    LOOK_IMAGE_FIELDS,
    CertificateLookPages,
    CertificatePages,
    PrivateImageInput,
    RevokeForm,
    look_image_link,
    report_outcomes,
)
from certificates.models import (
    CODE_LENGTH,
    Certificate,
    CertificateBatch,
    CertificateEvent,
    CertificateLook,
    CertificateStatus,
    CreditClaim,
    normalize_code,
)
from lms.admin import ReadOnlyAdmin


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    fields = ["at", "kind", "actor", "detail"]
    readonly_fields = fields
    ordering = ["at", "id"]
    extra = 0
    can_delete = False
    verbose_name = "event"
    verbose_name_plural = "History"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(CertificatePages, admin.ModelAdmin):
    list_display = [
        "code_display",
        "learner_name",
        "user_email",
        "course_title",
        "credits",
        "credit_type",
        "status_label",
        "issued_at",
    ]
    list_display_links = ["code_display"]
    list_select_related = ["user"]
    list_filter = ["status", "credit_type", "course"]
    date_hierarchy = "issued_at"
    search_fields = ["code", "learner_name", "user__email"]
    search_help_text = "Search by code (as printed, hyphen or not), learner name or email."
    readonly_fields = ["code_link", "failure"]
    inlines = [CertificateEventInline]
    actions = [
        "regenerate_selected",
        "revoke_selected",
        "retry_selected",
        "resend_email_selected",
        "download_zip_selected",
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {"fields": ["code_link", "status", "status_changed_at", "user", "course", "created_at", "issued_at"]},
            ),
            (
                "Printed on the certificate",
                {
                    "fields": [
                        "learner_name",
                        "learner_credentials",
                        "course_title",
                        "activity_format",
                        "provider_name",
                        "credit_type",
                        "credits",
                        "completion_date",
                        "accreditation_statement",
                        "designation_statement",
                    ],
                    "description": "Frozen when credit was claimed. A corrected name reaches the certificate only "
                    "through the “Regenerate” action.",
                },
            ),
            ("Stored PDF", {"fields": ["pdf_path", "pdf_size", "pdf_sha256", "render_tries", "last_error"]}),
        ]
        if obj is not None and obj.status == CertificateStatus.FAILED:
            fieldsets.insert(0, ("Rendering failed", {"fields": ["failure"]}))
        if obj is not None and obj.status == CertificateStatus.REVOKED:
            fieldsets.insert(1, ("Revoked", {"fields": ["revoked_at", "revoked_reason", "revoked_by"]}))
        return fieldsets

    def has_add_permission(self, request):
        return False  # certificates come from credit claims (or the bulk issue page)

    def has_change_permission(self, request, obj=None):
        # Without an object this is the permission the actions ask for; with one, it would
        # make the form editable, and a certificate changes only through the actions.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # a certificate that should not stand is revoked, never deleted

    def view_on_site(self, certificate):
        # The public verification page exists only for issued certificates.
        if certificate.status in (CertificateStatus.READY, CertificateStatus.REVOKED):
            return certificate.verify_path
        return None

    def lookup_allowed(self, lookup, value, request=None):
        # The batch page links to the certificates of one bulk issue.
        return lookup == "batches__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = normalize_code(search_term)
        if len(code) == CODE_LENGTH:
            results |= queryset.filter(code=code)
        return results, may_have_duplicates

    # --- Columns and read-only fields

    @admin.display(description="Code", ordering="code")
    def code_display(self, certificate) -> str:
        return certificate.display_code

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, certificate) -> str:
        return certificate.user.email

    @admin.display(description="Status", ordering="status")
    def status_label(self, certificate) -> str:
        if certificate.status == CertificateStatus.FAILED:
            return format_html("<strong>Failed</strong>: {}", Truncator(certificate.last_error).chars(90))
        return certificate.get_status_display()

    @admin.display(description="Code")
    def code_link(self, certificate) -> str:
        if certificate.status in (CertificateStatus.READY, CertificateStatus.REVOKED):
            return format_html(
                '{} (<a href="{}">public verification page</a>)', certificate.display_code, certificate.verify_path
            )
        return certificate.display_code

    @admin.display(description="Last error")
    def failure(self, certificate) -> str:
        return format_html(
            '<p class="errornote">Rendering failed after {} tries. Fix the cause, then use “Retry failed '
            "certificates” from the list.</p><pre>{}</pre>",
            certificate.render_tries,
            certificate.last_error or "No error was recorded.",
        )

    # --- Actions: each calls one service per certificate and reports every outcome

    def _each(self, request, queryset, *, act, done_phrase: str) -> None:
        done, skipped = 0, []
        for certificate in queryset:
            try:
                act(certificate)
            except services.CertificateStateError as error:
                skipped.append(error.message)
            else:
                done += 1
        report_outcomes(self, request, done=done, done_phrase=done_phrase, skipped=skipped)

    @admin.action(description="Regenerate with the learner's current name (same code)", permissions=["change"])
    def regenerate_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            done_phrase="queued for regeneration",
            act=lambda certificate: services.certificate_regenerate(certificate=certificate, actor=request.user),
        )

    @admin.action(description="Revoke selected certificates…", permissions=["change"])
    def revoke_selected(self, request, queryset):
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return self.revoke_confirmation(request, queryset, form)
        reason = form.cleaned_data["reason"]
        self._each(
            request,
            queryset,
            done_phrase="revoked",
            act=lambda certificate: services.certificate_revoke(
                certificate=certificate, actor=request.user, reason=reason
            ),
        )
        return None

    @admin.action(description="Retry failed certificates", permissions=["change"])
    def retry_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            done_phrase="re-queued",
            act=lambda certificate: services.certificate_retry(certificate=certificate, actor=request.user),
        )

    @admin.action(description="Re-send the “certificate ready” email", permissions=["change"])
    def resend_email_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            done_phrase="queued to be emailed again",
            act=lambda certificate: ready_email_services.certificate_email_resend(certificate=certificate),
        )

    @admin.action(description="Download selected as ZIP", permissions=["view"])
    def download_zip_selected(self, request, queryset):
        ready, skipped = [], []
        for certificate in queryset.order_by("code"):
            reason = exports.why_not_exportable(certificate)
            if reason:
                skipped.append(reason)
            else:
                ready.append(certificate)
        if len(ready) <= exports.ZIP_STREAM_LIMIT:
            report_outcomes(self, request, done=len(ready), done_phrase="put in the ZIP", skipped=skipped)
            return self.zip_response(ready) if ready else None
        batch = batch_services.certificate_export_create(certificates=ready, actor=request.user)
        report_outcomes(
            self, request, done=len(ready), done_phrase="queued for a ZIP built in the background", skipped=skipped
        )
        return redirect("admin:certificates_certificate_batch", batch.pk)


@admin.register(CreditClaim)
class CreditClaimAdmin(ReadOnlyAdmin):
    list_display = ["learner_email", "course", "credit_type", "credits_claimed", "attested_at", "claimed_at"]
    list_select_related = ["enrollment__user", "enrollment__course"]
    list_filter = ["credit_type"]
    search_fields = ["enrollment__user__email", "enrollment__course__title"]
    date_hierarchy = "claimed_at"

    @admin.display(description="Learner", ordering="enrollment__user__email")
    def learner_email(self, claim) -> str:
        return claim.enrollment.user.email

    @admin.display(description="Course", ordering="enrollment__course__title")
    def course(self, claim) -> str:
        return claim.enrollment.course.title


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "course", "created_by", "created_at", "status", "total_count", "progress_link"]
    list_select_related = ["course", "created_by"]
    list_filter = ["kind", "status"]
    fields = [
        "kind",
        "status",
        "course",
        "created_by",
        "created_at",
        "finished_at",
        "total_count",
        "processed_count",
        "skipped",
        "file_size",
        "last_error",
        "progress_link",
    ]
    readonly_fields = ["progress_link"]

    @admin.display(description="Progress")
    def progress_link(self, batch) -> str:
        return format_html(
            '<a href="{}">Progress{}</a>',
            reverse("admin:certificates_certificate_batch", args=[batch.pk]),
            " and download" if batch.is_downloadable else "",
        )


SIGNATORY_HELP = {
    "signatory_name": "Printed above the title on every certificate of this course. Leave blank to use the "
    "site-wide signatory (CERTIFICATE_SIGNATORY_NAME); a course cannot be published while "
    "neither names someone.",
    "signatory_title": "Used together with the name above; the site-wide title goes with the site-wide name.",
}


@admin.register(CertificateLook)
class CertificateLookAdmin(CertificateLookPages, admin.ModelAdmin):
    list_display = ["course", "signatory_name", "signatory_title", "accent_colour"]
    list_select_related = ["course"]
    search_fields = ["course__title"]
    fields = ["course", "logo", "signatory_name", "signatory_title", "signature_image", "accent_colour"]
    readonly_fields = ["logo_file", "signature_file"]

    def get_fields(self, request, obj=None):
        if self.has_change_permission(request, obj):
            return self.fields
        # View-only: Django would link each image to its storage URL, which private media lacks.
        return ["course", "logo_file", "signatory_name", "signatory_title", "signature_file", "accent_colour"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.ImageField) and db_field.name in LOOK_IMAGE_FIELDS:
            kwargs["widget"] = PrivateImageInput
        if db_field.name in SIGNATORY_HELP:
            kwargs["help_text"] = SIGNATORY_HELP[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Logo")
    def logo_file(self, look) -> str:
        return look_image_link(look, "logo")

    @admin.display(description="Signature image")
    def signature_file(self, look) -> str:
        return look_image_link(look, "signature_image")
