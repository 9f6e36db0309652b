import socket
import time
import uuid

import pytest
from django.core.cache import cache

from lms.celery import ping

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_while_the_process_lives(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_names_database_cache_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readyz_is_503_and_names_the_broker_when_it_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1}
    started = time.monotonic()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok" and body["checks"]["cache"] == "ok"
    assert time.monotonic() - started < 10, "readiness must answer quickly when the broker is down"


@pytest.mark.worker
def test_a_task_makes_the_round_trip_through_a_real_worker(celery_worker):
    token = uuid.uuid4().hex
    ping.delay(token)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and cache.get(f"ping:{token}") is None:
        time.sleep(0.05)
    assert cache.get(f"ping:{token}") == "pong"
