from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("courses/<slug:slug>/claim/", views.claim, name="claim"),
    path("certificates/", views.certificate_list, name="list"),
    path("certificates/transcript/", views.transcript, name="transcript"),
    path("certificates/transcript/pdf/", views.transcript_pdf_request, name="transcript_pdf_request"),
    path("certificates/transcript/pdf/status/", views.transcript_pdf_status, name="transcript_pdf_status"),
    path("certificates/transcript/pdf/download/", views.transcript_pdf_download, name="transcript_pdf_download"),
    path("certificates/<str:code>/status/", views.certificate_status, name="status"),
    path("certificates/<str:code>/download/", views.certificate_download, name="download"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
