"""Filled in by the projects pages."""

app_name = "projects"
urlpatterns: list = []
