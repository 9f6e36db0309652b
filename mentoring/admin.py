"""Pairings and meetings in the admin, to look up: pairing goes through the directors'
mentoring page (mentor_pairing_create e-mails the mentor) and meetings are logged by the
pair, so the admin never writes them."""

from django.contrib import admin

from lms.admin import ReadOnlyAdmin
from mentoring.models import MentoringMeeting, MentorPairing


@admin.register(MentorPairing)
class MentorPairingAdmin(ReadOnlyAdmin):
    list_display = ["participant", "mentor", "paired_at", "ended_at"]
    list_filter = ["participant__cohort"]
    list_select_related = ["participant__user", "participant__cohort__program", "mentor"]
    search_fields = ["participant__user__email", "mentor__email"]


@admin.register(MentoringMeeting)
class MentoringMeetingAdmin(ReadOnlyAdmin):
    list_display = ["pairing", "met_on", "duration_minutes", "logged_by"]
    list_select_related = [
        "pairing__participant__user",
        "pairing__participant__cohort__program",
        "pairing__mentor",
        "logged_by",
    ]
    search_fields = ["pairing__participant__user__email", "pairing__mentor__email"]
