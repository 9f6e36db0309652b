"""Filled in by the mentoring pages."""

app_name = "mentoring"
urlpatterns: list = []
