"""The load benchmark's settings with no cache at all: what the module page costs when its
shared content is rendered for every response."""

from bench.load_settings import *  # noqa: F403 — everything as in production, then one change

# Neither the shared cache nor each process's own copies.
CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in ("default", "local")}
