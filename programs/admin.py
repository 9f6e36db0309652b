"""Directors author institutions, programs and cohorts here. Applications, participants and
attendance are written by the program services (seats, waitlist, e-mails), so the admin only
shows them."""

from copy import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from lms.admin import ReadOnlyAdmin
from programs.credit_services import moved_session_problem
from programs.live_services import live_session_save
from programs.models import (
    Application,
    Attendance,
    Cohort,
    CurriculumItem,
    Institution,
    LiveSession,
    Participant,
    Program,
)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name"]
    search_fields = ["name", "short_name"]


class CohortInline(admin.TabularInline):
    model = Cohort
    fields = ["year", "start_date", "end_date", "capacity", "seats_taken"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["institutions"]
    inlines = [CohortInline]


class LiveSessionInlineForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.instance.credit_activity_id and cleaned.get("starts_at") and cleaned.get("ends_at"):
            moved = copy(self.instance)
            moved.starts_at, moved.ends_at = cleaned["starts_at"], cleaned["ends_at"]
            if problem := moved_session_problem(moved):
                raise ValidationError(problem)
        return cleaned


class LiveSessionInline(admin.StackedInline):
    model = LiveSession
    form = LiveSessionInlineForm
    fields = ["title", "starts_at", "ends_at", "time_zone", "location", "video_url", "agenda", "credit_activity"]
    # Designating for credit builds a CME activity of its own: the session page's director form does it.
    readonly_fields = ["credit_activity"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "video_url":
            kwargs["assume_scheme"] = "https"  # a meeting link typed without its scheme is https
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CurriculumItemInline(admin.TabularInline):
    model = CurriculumItem
    fields = ["position", "course", "live_session", "due_date"]
    raw_id_fields = ["course", "live_session"]
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_date", "end_date", "applications_close_at", "capacity", "seats_taken"]
    list_filter = ["program", "year"]
    list_select_related = ["program"]
    search_fields = ["program__title"]
    # Seats are taken and given back by the acceptance and waitlist services only.
    readonly_fields = ["seats_taken"]
    filter_horizontal = ["facilitators"]
    inlines = [LiveSessionInline, CurriculumItemInline]
    fieldsets = [
        (None, {"fields": ["program", "year", "start_date", "end_date"]}),
        ("Applications", {"fields": ["applications_open_at", "applications_close_at", "capacity", "seats_taken"]}),
        ("Waitlist", {"fields": ["offer_days"]}),
        ("People", {"fields": ["facilitators"]}),
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is not LiveSession:
            return super().save_formset(request, form, formset, change)
        # Through the service, so a session moved here raises its calendar SEQUENCE as well.
        formset.save(commit=False)
        for session in formset.deleted_objects:
            session.delete()
        for session, changed_fields in formset.changed_objects:
            live_session_save(session=session, changed_fields=changed_fields, by=request.user)
        for session in formset.new_objects:
            live_session_save(session=session, changed_fields=[], by=request.user)
        return None

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "facilitators":
            kwargs["queryset"] = db_field.related_model.objects.filter(is_active=True).order_by("email")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["applicant", "cohort", "institution", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "cohort"]
    list_select_related = ["applicant", "cohort__program", "institution"]
    search_fields = ["applicant__email", "applicant__last_name"]
    # The letter of support is downloaded from the review page, never by a public file URL.
    exclude = ["support_letter"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["user", "cohort", "institution", "status", "joined_at"]
    list_filter = ["status", "cohort"]
    list_select_related = ["user", "cohort__program", "institution"]
    search_fields = ["user__email", "user__last_name"]
    exclude = ["calendar_token"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["participant", "session", "method", "recorded_at"]
    list_filter = ["method"]
    list_select_related = ["participant__user", "participant__cohort__program", "session"]
