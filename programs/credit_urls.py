"""A live session's CME credit: designation by a director, the attendee's claim."""

from django.urls import path

from programs import credit_views

app_name = "live_credit"
urlpatterns = [
    path("sessions/<int:session_id>/credit/", credit_views.session_credit, name="session_credit"),
    path("sessions/<int:session_id>/credit/disclosures/", credit_views.disclosures, name="disclosures"),
    path("sessions/<int:session_id>/credit/evaluation/", credit_views.evaluation, name="evaluation"),
    path("sessions/<int:session_id>/credit/claim/", credit_views.claim, name="claim"),
    path("sessions/<int:session_id>/credit/designate/", credit_views.designate, name="designate"),
]
