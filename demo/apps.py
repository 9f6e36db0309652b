from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content for `make run`. It builds on every other app, and nothing imports it."""

    name = "demo"
    verbose_name = "Demo content"
