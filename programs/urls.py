"""Public program pages, applications, the review queue and the roster."""

from django.urls import path

from programs import home_views, review_views, views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("mine/", home_views.my_programs, name="mine"),
    path("cohorts/<int:cohort_id>/", home_views.cohort_page, name="cohort"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:application_id>/respond/", views.application_respond, name="application_respond"),
    path("review/", review_views.review_cohorts, name="review"),
    path("review/<int:cohort_id>/", review_views.review_cohort, name="review_cohort"),
    path("review/applications/<int:application_id>/", review_views.review_application, name="review_application"),
    path("review/applications/<int:application_id>/letter/", review_views.support_letter, name="support_letter"),
    path("cohorts/<int:cohort_id>/roster/", review_views.roster, name="roster"),
    path(
        "cohorts/<int:cohort_id>/roster/<int:participant_id>/withdraw/",
        review_views.participant_withdraw,
        name="participant_withdraw",
    ),
    path("<slug:slug>/", views.program_detail, name="detail"),
    path("<slug:slug>/<int:year>/apply/", views.apply, name="apply"),
]
