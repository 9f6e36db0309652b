"""Filled in by the live pages."""

app_name = "live"
urlpatterns: list = []
