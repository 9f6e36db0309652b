from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils import timezone

from api import services
from api.models import AccessToken, ApiCall

DEFAULT_LIFETIME = timedelta(days=90)


class AccessTokenForm(forms.ModelForm):
    class Meta:
        model = AccessToken
        fields = ["name", "scope", "expires_at"]
        help_texts = {"expires_at": "After this moment the token stops working. At most a year is advised."}

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at <= timezone.now():
            raise forms.ValidationError("Choose an expiry date in the future.")
        return expires_at


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    form = AccessTokenForm
    list_display = ["name", "prefix", "scope", "state", "expires_at", "last_used_at", "created_by"]
    list_filter = ["scope"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_by", "created_at", "revoked_at", "revoked_by", "last_used_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scope", "expires_at"]
        return ["name", "scope", "expires_at", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # A token's powers are fixed when it is shown: widening them later would surprise whoever holds it.
        return [*self.readonly_fields, "scope", "expires_at"] if obj else []

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + DEFAULT_LIFETIME}

    @admin.display(description="State")
    def state(self, token: AccessToken) -> str:
        if token.revoked_at:
            return "Revoked"
        return "Active" if token.is_usable() else "Expired"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.access_token_create(
            name=obj.name, scope=obj.scope, expires_at=obj.expires_at, created_by=request.user
        )
        obj.__dict__.update({key: value for key, value in created.token.__dict__.items() if key != "_state"})
        obj._state.adding = False
        request._new_token_secret = created.secret

    def response_add(self, request, obj, post_url_continue=None):
        # The secret is rendered into this one response and exists nowhere else.
        response = TemplateResponse(
            request,
            "api/admin/token_created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "token": obj,
                "secret": request._new_token_secret,
                "title": "Copy the new token now",
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.access_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s). They stop working at once.", messages.SUCCESS)


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ["at", "method", "path", "query", "status_code", "token"]
    list_filter = ["status_code", "method"]
    search_fields = ["path", "token__name", "token__prefix"]
    list_select_related = ["token"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
