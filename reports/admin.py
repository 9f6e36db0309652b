"""The export log, read-only: rows are written by the reports' services alone."""

from django.contrib import admin

from lms.admin import ReadOnlyAdmin
from reports.models import ExportLog, ParsExportedCompletion


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "user_email", "course", "date_from", "date_to", "row_count"]
    list_select_related = ["course"]
    list_filter = ["kind"]
    search_fields = ["user_email", "course__title"]
    date_hierarchy = "created_at"


@admin.register(ParsExportedCompletion)
class ParsExportedCompletionAdmin(ReadOnlyAdmin):
    list_display = ["export", "enrollment"]
    list_select_related = ["export", "enrollment__user", "enrollment__course"]
    search_fields = ["enrollment__user__email", "enrollment__course__title"]
