from django.urls import path

from lti import views

app_name = "lti"
urlpatterns = [
    path("jwks/", views.jwks, name="jwks"),
    path("login/", views.oidc_login, name="login"),
    path("login/<uuid:registration_uuid>/", views.oidc_login, name="login_for_registration"),
    path("launch/", views.launch, name="launch"),
    path("arrived/<str:token>/", views.arrived, name="arrived"),
    path("resume/", views.resume, name="resume"),
    # No sign-in link exists; an arrival link with "arrived" swapped for "resume" gets a refusal page.
    path("resume/<str:token>/", views.resume, name="resume_refused"),
    path("deep-link/", views.deep_link, name="deep_link"),
]
