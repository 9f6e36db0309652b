"""Options every e-mail task shares. A lost connection to the mail server (SMTPException and
socket errors are OSErrors) or to the database is retried with backoff; acks_late with
reject_on_worker_lost hands a message a dying worker held to the next one; each app's sweeper
asks again once the retries are spent."""

from django.db import DatabaseError

MAX_EMAIL_RETRIES = 5  # after 1, 2, 4, 8 and 16 s

EMAIL_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OSError, DatabaseError),
    "max_retries": MAX_EMAIL_RETRIES,
    "retry_backoff": True,
    "retry_jitter": False,
}
