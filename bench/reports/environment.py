"""How the reports benchmark runs: the production-like environment its Django starts in
(DEBUG off, a scratch database, a signing key of its own), the session variable a streaming
child continues, and check(), which fails the run loudly when a figure cannot be produced."""

import os
import secrets
from pathlib import Path

from badges.keygen import ensure_key_file
from bench.generate_dataset.scratch import DataSet, use_scratch_database

# The child process that streams an export continues the parent's signed-in session, as a
# second tab would: a TOTP code signs in only once (allauth refuses a code used before).
SESSION_VARIABLE = "BENCH_REPORTS_SESSION"


def check(condition: bool, failure: str) -> None:
    """A benchmark that could not produce a figure fails loudly, so CI notices the day it breaks."""
    if not condition:
        raise SystemExit(f"bench.reports failed: {failure}")


def prepare_environment(data_set: DataSet) -> None:
    """Production-like settings for the Django that use_scratch_database starts."""
    # Sessions are signed with the key: the streaming child keeps its parent's, whose session it continues.
    secret_key = os.environ["SECRET_KEY"] if SESSION_VARIABLE in os.environ else secrets.token_urlsafe(50)
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "https://bench.example",
            "SECURE_SSL_REDIRECT": "0",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(data_set.var_dir / "static"),
            "MEDIA_ROOT": str(data_set.var_dir / "media"),
            # Production (DEBUG off) signs credentials only with a key file it is given.
            "OPEN_BADGES_SIGNING_KEY_FILES": str(data_set.var_dir / "keys" / "open-badges.pem"),
        }
    )
    ensure_key_file(Path(os.environ["OPEN_BADGES_SIGNING_KEY_FILES"]))


def start_django(server: str, data_set: DataSet) -> None:
    prepare_environment(data_set)
    use_scratch_database(server, data_set)
