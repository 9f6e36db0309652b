"""Liveness and readiness probes for the orchestrator and for `make run`."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    # The shared cache carries on in process memory while Redis is away; readiness asks Redis.
    if hasattr(cache, "ping"):
        cache.ping()
    cache.set("readyz", "ok", timeout=10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _check_broker() -> None:
    # A connection, not a task: readiness must not fill the queue.
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=2,
    ) as broker:
        try:
            broker.ensure_connection(max_retries=1, timeout=2)
            broker.default_channel  # noqa: B018 — opening a channel proves the transport answers
        except Exception as error:
            # Say which transport: on the compose stack the broker and the cache are one Redis.
            raise ConnectionError(f"the Celery broker ({broker.transport_cls}) does not answer: {error}") from error


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    failed: list[str] = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 — any failure means "not ready"; report it
            results[name] = f"error: {type(error).__name__}: {error}"
            failed.append(name)
        else:
            results[name] = "ok"
    status = 503 if failed else 200
    return JsonResponse(
        {"status": "ready" if not failed else "unavailable", "failed": failed, "checks": results}, status=status
    )
