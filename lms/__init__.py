# Load the Celery app with Django, so `shared_task` and `.delay()` use our settings.
from lms.celery import app as celery_app

__all__ = ["celery_app"]
