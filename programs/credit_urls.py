"""Filled in by the live_credit pages."""

app_name = "live_credit"
urlpatterns: list = []
