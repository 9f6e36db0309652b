"""Projects in the admin, to look up: participants and facilitators write them on the project
pages (projects/services.py), so the admin only shows them. The final report is private and
named, not linked: it is downloaded from the project page."""

from django.contrib import admin

from lms.admin import ReadOnlyAdmin
from projects.models import Milestone, Project, ProjectFeedback


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["order", "title", "due_date", "completed_on"]


class ProjectFeedbackInline(ReadOnlyInline):
    model = ProjectFeedback
    fields = ["author", "created_at", "body"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "participant", "institution", "status", "is_showcased", "updated_at"]
    list_filter = ["status", "is_showcased", "participant__cohort"]
    search_fields = ["title", "participant__user__last_name", "participant__user__email", "institution__name"]
    list_select_related = ["participant__user", "participant__cohort__program", "institution"]
    fields = [
        "participant",
        "title",
        "aim",
        "institution",
        "team",
        "status",
        "report_name",
        "final_report_submitted_at",
        "completed_at",
        "is_showcased",
        "showcase_summary",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [MilestoneInline, ProjectFeedbackInline]

    @admin.display(description="Final report")
    def report_name(self, project) -> str:
        return project.final_report.name.rsplit("/", 1)[-1] if project.final_report else "—"
