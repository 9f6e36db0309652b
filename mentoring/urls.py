from django.urls import path

from mentoring import views

app_name = "mentoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/<int:cohort_id>/", views.cohort_pairings, name="cohort"),
    path("pairings/<int:pairing_id>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pairing_id>/end/", views.pairing_end, name="pairing_end"),
    path("pairings/<int:pairing_id>/meetings/<int:meeting_id>/", views.meeting_edit, name="meeting_edit"),
    path("pairings/<int:pairing_id>/meetings/<int:meeting_id>/delete/", views.meeting_delete, name="meeting_delete"),
]
