"""Filled in by the program_completion pages."""

app_name = "program_completion"
urlpatterns: list = []
