from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("courses/<slug:slug>/items/", views.course_items, name="items"),
    path("courses/<slug:slug>/evaluation/", views.course_evaluation, name="evaluation"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<slug:slug>.csv", views.export_csv, name="export_csv"),
    path("pars/", views.pars_report, name="pars"),
    path("pars/download/", views.pars_download, name="pars_download"),
]
