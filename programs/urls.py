"""Filled in by the programs pages."""

app_name = "programs"
urlpatterns: list = []
