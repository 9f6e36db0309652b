"""A cohort's curriculum, live sessions, attendance, check-in and calendars, under /programs/."""

from django.urls import path

from programs import live_views

app_name = "live"
urlpatterns = [
    path("cohorts/<int:cohort_id>/curriculum/", live_views.curriculum, name="curriculum"),
    path("sessions/<int:session_id>/", live_views.session_detail, name="session"),
    path("sessions/<int:session_id>/disclosures/", live_views.session_disclosures, name="session_disclosures"),
    path("sessions/<int:session_id>/edit/", live_views.session_reschedule, name="session_reschedule"),
    path("sessions/<int:session_id>/session.ics", live_views.session_ics, name="session_ics"),
    path("sessions/<int:session_id>/attendance/", live_views.attendance, name="attendance"),
    path("sessions/<int:session_id>/check-in-code/", live_views.check_in_code_regenerate, name="check_in_code"),
    path("sessions/<int:session_id>/check-in/", live_views.check_in, name="check_in"),
    path("calendar/", live_views.calendar_page, name="calendar"),
    path("calendar/<int:participant_id>/reset/", live_views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", live_views.calendar_feed, name="calendar_feed"),
]
