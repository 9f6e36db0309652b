"""Home-institution projects, mounted under /projects/."""

from django.urls import path

from projects import review_views, views

app_name = "projects"
urlpatterns = [
    path("", review_views.projects_home, name="home"),
    path("new/", views.project_new, name="new"),
    path("showcase/", review_views.showcase, name="showcase"),
    path("cohorts/<int:cohort_id>/", review_views.cohort_projects, name="cohort"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/milestones/new/", views.milestone_form, name="milestone_add"),
    path("<int:project_id>/milestones/<int:milestone_id>/edit/", views.milestone_form, name="milestone_edit"),
    path("<int:project_id>/milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("<int:project_id>/report/", views.final_report_upload, name="report_upload"),
    path("<int:project_id>/report/download/", views.final_report_download, name="report_download"),
    path("<int:project_id>/showcase/", views.showcase_settings, name="showcase_settings"),
    path("<int:project_id>/review/", review_views.project_review, name="review"),
]
