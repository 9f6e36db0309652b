"""Program completion pages, mounted under /programs/."""

from django.urls import path

from programs import completion_views

app_name = "program_completion"
urlpatterns = [
    path("cohorts/<int:cohort_id>/completion/", completion_views.completion_checklist, name="checklist"),
    path(
        "cohorts/<int:cohort_id>/completion/certificate/",
        completion_views.completion_certificate_request,
        name="request_certificate",
    ),
    path("cohorts/<int:cohort_id>/completion/roster/", completion_views.completion_roster, name="roster"),
    path("cohorts/<int:cohort_id>/completion/roster/issue/", completion_views.completion_issue_all, name="issue_all"),
]
