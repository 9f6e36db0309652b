"""Program reports for directors, and the participant's self-identification page."""

from django.urls import path

from programs import demographics_views, report_views

app_name = "program_reports"
urlpatterns = [
    path("", report_views.cohort_list, name="index"),
    path("cohorts/<int:cohort_id>/", report_views.cohort_report_page, name="cohort"),
    path("cohorts/<int:cohort_id>/participants/", report_views.participant_list, name="participants"),
    path("cohorts/<int:cohort_id>/export/<slug:slug>.csv", report_views.export_csv, name="export"),
    path("self-identification/", demographics_views.self_identification, name="self_identification"),
    path(
        "self-identification/withdraw/",
        demographics_views.self_identification_withdraw_view,
        name="self_identification_withdraw",
    ),
]
