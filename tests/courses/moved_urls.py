"""The site as a release that moved it under /learn/ would route it (for the module page's keys)."""

from django.urls import include, path

urlpatterns = [path("learn/", include("lms.urls"))]
