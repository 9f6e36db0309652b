from django.urls import path

from courses import views

app_name = "courses"
urlpatterns = [
    path("courses/", views.catalog, name="catalog"),
    path("courses/<slug:slug>/", views.course_detail, name="detail"),
    path("courses/<slug:slug>/enroll/", views.enroll, name="enroll"),
    path("courses/<slug:slug>/disclosures/", views.disclosures, name="disclosures"),
    path("courses/<slug:slug>/modules/<int:order>/", views.module_player, name="module"),
    path("courses/<slug:slug>/modules/<int:order>/complete/", views.module_complete, name="module_complete"),
    path(
        "courses/<slug:slug>/modules/<int:order>/check/<int:question_id>/",
        views.knowledge_check_answer,
        name="knowledge_check_answer",
    ),
    path("courses/<slug:slug>/post-test/", views.post_test, name="post_test"),
    path("courses/<slug:slug>/evaluation/", views.evaluation, name="evaluation"),
    path("attempts/<int:pk>/", views.attempt_take, name="attempt"),
    path("attempts/<int:pk>/questions/<int:question_id>/answer/", views.attempt_answer, name="attempt_answer"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt_result"),
]
