"""Filled in by the program_reports pages."""

app_name = "program_reports"
urlpatterns: list = []
