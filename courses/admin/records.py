"""The learners' record, read-only: enrolments and attempts with their answers."""

from django.contrib import admin

from courses.models import (
    Answer,
    Attempt,
    Enrollment,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by learners' actions; staff look, services write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = [
        "user",
        "course",
        "enrolled_at",
        "disclosures_acknowledged_at",
        "post_test_passed_at",
        "evaluation_submitted_at",
        "completed_at",
    ]
    list_select_related = ["user", "course"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "course"]
    search_fields = ["user__email", "course__title"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "selected_option_ids", "saved_at", "points"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question")


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "quiz", "started_at", "submitted_at", "score_percent", "passed", "is_late"]
    list_select_related = ["enrollment__user", "enrollment__course", "quiz__course", "quiz__module"]
    list_filter = ["passed", "is_late", ("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["enrollment__user__email", "enrollment__course__title"]
    inlines = [AnswerInline]
