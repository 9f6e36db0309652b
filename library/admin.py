"""Uploading resources. Files are private (MEDIA_URL is None), so the admin shows their
names instead of the storage URLs Django would otherwise link to."""

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models.fields.files import FieldFile

from library.models import Resource, ResourceDownload


class PrivateFileInput(forms.ClearableFileInput):
    """The current file by name only: private storage has no URL to link to."""

    # Under library/templates/: the form renderer reads app template folders, not the project's.
    template_name = "library/admin/private_file_input.html"

    def is_initial(self, value) -> bool:
        return isinstance(value, FieldFile) and bool(value.name)


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "is_listed", "file_name", "download_count", "updated_at"]
    list_filter = ["is_listed"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description", "cover", "file", "is_listed"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(download_total=models.Count("downloads"))

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            # View-only: Django would link each file to its storage URL, which private media lacks.
            return ["title", "slug", "description", "cover_name", "file_name", "is_listed"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["cover_name", "file_name"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.FileField):
            kwargs["widget"] = PrivateFileInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="File")
    def file_name(self, resource) -> str:
        return resource.file.name.rsplit("/", 1)[-1] if resource.file else "—"

    @admin.display(description="Cover")
    def cover_name(self, resource) -> str:
        return resource.cover.name.rsplit("/", 1)[-1] if resource.cover else "—"

    @admin.display(description="Downloads", ordering="download_total")
    def download_count(self, resource) -> int:
        return resource.download_total


@admin.register(ResourceDownload)
class ResourceDownloadAdmin(admin.ModelAdmin):
    """The download log is written by the download view alone."""

    list_display = ["downloaded_at", "resource", "user"]
    list_select_related = ["resource", "user"]
    list_filter = ["resource"]
    search_fields = ["user__email", "resource__title"]
    date_hierarchy = "downloaded_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
