"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered."""

import gc
import logging
import os
import threading
from pathlib import Path

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings")

logger = logging.getLogger(__name__)

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_broker_folders() -> None:
    """The filesystem transport does not create its folders; do it before first use."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _prepare_broker(sender, **kwargs):
    ensure_broker_folders()


@worker_process_init.connect
def settle_pool_child(**kwargs) -> None:
    """Ready a freshly forked pool child before its first task.

    A sample certificate is rendered first, so the first learner this child serves does not
    wait the extra 100–150 ms that WeasyPrint's first document costs. Then everything alive
    (Django, the tasks, WeasyPrint and its caches) is moved out of the garbage collector's
    sight: a full collection otherwise walks it all, 100–300 ms every 60–100 renders."""
    from certificates.rendering import warm_renderer

    try:
        warm_renderer()
    except Exception:  # noqa: BLE001 — a child that cannot warm up still starts; its renders record their own errors
        logger.exception("The certificate renderer could not warm up in this worker process")
    gc.collect()  # what the warm-up left behind, before it is frozen for good
    gc.freeze()


@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(task=None, **kwargs):
    """Treat each task as Django treats a request: drop a connection that is broken or older
    than CONN_MAX_AGE, keep a healthy one (settings.CELERY_DB_REUSE_MAX). Not for a task run
    in-process with .apply(): that one runs inside its caller's connection and transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections, connections

    if threading.current_thread() is threading.main_thread():
        close_old_connections()
    else:
        # A worker run in a thread (the tests') would leave its kept connection open after
        # the thread ends: it closes after every task, as Celery does by default.
        connections.close_all()


@app.task(name="lms.ping")
def ping(token: str) -> None:
    """Round trip used by the health tests: the worker writes the token to the shared cache."""
    from django.core.cache import cache

    cache.set(f"ping:{token}", "pong", timeout=60)
