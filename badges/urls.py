from django.urls import path

from badges import views

app_name = "badges"
urlpatterns = [
    path("credentials/issuer", views.issuer, name="issuer"),
    path("credentials/keys/", views.key_set, name="key_set"),
    path("credentials/keys/<str:thumbprint>", views.key, name="key"),
    path("credentials/status/<int:list_number>", views.status_list, name="status_list"),
    path("credentials/achievements/<int:course_id>/image.svg", views.achievement_image, name="achievement_image"),
    path("credentials/<str:code>/download/", views.credential_download, name="credential_download"),
    path("credentials/<str:code>/", views.credential, name="credential"),
    path("credentials/<str:code>.jwt", views.credential_jwt, name="credential_jwt"),
]
