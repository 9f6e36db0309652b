"""Production settings plus one route: the bare baseline view the load benchmark compares against."""

from lms.settings import *  # noqa: F403 — everything as in production, then one change

ROOT_URLCONF = "bench.load_urls"
