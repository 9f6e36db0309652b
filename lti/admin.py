import lti_tool.admin  # noqa: F401 — registers django-lti's admin first, so ours can replace one of them
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from lti_tool.models import LtiDeployment, LtiRegistration

from lti import services
from lti.models import GradeLink, GradeStatus, PlatformAccount, PlatformFraming

admin.site.unregister(LtiRegistration)


class DeploymentInline(admin.TabularInline):
    model = LtiDeployment
    fields = ["deployment_id", "is_active", "datetime_created"]
    readonly_fields = ["datetime_created"]
    extra = 0
    verbose_name_plural = (
        "Deployments — a deployment first seen in a launch is added here inactive; tick “is active” once you know it"
    )


class FramingInline(admin.StackedInline):
    model = PlatformFraming
    can_delete = False
    extra = 1
    max_num = 1


@admin.register(LtiRegistration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active", "datetime_created"]
    fieldsets = [
        (None, {"fields": ["name", "issuer", "client_id", "audience", "is_active"]}),
        ("The platform's endpoints", {"fields": ["auth_url", "token_url", "keyset_url"]}),
        ("Give these to the platform", {"fields": ["tool_urls"]}),
    ]
    readonly_fields = ["tool_urls"]
    inlines = [DeploymentInline, FramingInline]

    @admin.display(description="Docere's LTI URLs")
    def tool_urls(self, registration: LtiRegistration) -> str:
        if registration.pk is None:
            return "Saved registrations show their login URL here."
        tool_paths = [
            ("OIDC login initiation URL", reverse("lti:login_for_registration", args=[registration.uuid])),
            ("Launch (redirect) URL", reverse("lti:launch")),
            ("Deep linking URL", reverse("lti:launch")),
            ("Public keyset (JWKS) URL", reverse("lti:jwks")),
        ]
        rows = [
            format_html("<dt>{}</dt><dd><code>{}{}</code></dd>", label, settings.SITE_URL, path)
            for label, path in tool_paths
        ]
        return format_html("<dl>{}</dl>", mark_safe("".join(rows)))  # noqa: S308 — each row built by format_html


@admin.register(GradeLink)
class GradeLinkAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "status", "score_percent", "tries", "sent_at", "status_changed_at"]
    list_filter = ["status"]
    list_select_related = ["enrollment__user", "enrollment__course"]
    readonly_fields = [field.name for field in GradeLink._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the failed scores again")
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=GradeStatus.FAILED))
        for link in failed:
            services.score_retry(link=link)
        self.message_user(request, f"Queued {len(failed)} score(s) again.", messages.SUCCESS)


@admin.register(PlatformAccount)
class PlatformAccountAdmin(admin.ModelAdmin):
    list_display = ["subject", "issuer", "user", "created_at"]
    search_fields = ["subject", "issuer", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["issuer", "subject", "user", "registration", "created_at"]

    def has_add_permission(self, request):
        return False
