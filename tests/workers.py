"""Real `celery worker` processes and a Redis of the test's own, for tests that need a worker
that shares nothing with the test process but the database and the broker.

Import the fixtures into the test module that uses them.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.test import override_settings

from lms.celery import app as celery_app
from lms.celery import ensure_broker_folders


def database_url_for_workers() -> str:
    """The test database as a DATABASE_URL, for a worker process started from this test."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        # Keep WAL, the busy timeout and IMMEDIATE transactions: the worker writes while this process reads.
        return f"sqlite:///{database['NAME']}?{urlencode(database.get('OPTIONS', {}))}"
    credentials = quote(database["USER"], safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def live_processes_in_group(group_id: int) -> list[int]:
    """Processes of a process group that still run; zombies (already dead, waiting to be reaped) don't count."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        state, _parent, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == group_id and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path

    @property
    def group_id(self) -> int:
        return self.process.pid  # started in a session of its own, so it leads its group

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool children, as the OOM killer or a lost node would."""
        if live_processes_in_group(self.group_id):
            os.killpg(self.group_id, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while live_processes_in_group(self.group_id) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        """Warm shutdown (finish the task in hand, hand back the rest), then SIGKILL whatever is left."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


@pytest.fixture
def empty_broker():
    """The run's real broker with no messages left by earlier tests (they would be replayed here)."""
    ensure_broker_folders()
    celery_app.control.purge()


@pytest.fixture
def start_worker_process(empty_broker, private_media, tmp_path):
    """Start `celery worker` processes on this run's broker and test database. Every one is
    stopped at the end, whatever the test did, and its whole process group must be gone."""
    started: list[WorkerProcess] = []

    def start(*, with_beat: bool = False, **environment: str) -> WorkerProcess:
        """`with_beat` embeds beat, so the sweepers run on their deployed schedule."""
        log_path = tmp_path / f"worker-{len(started) + 1}.log"
        beat = ["--beat", f"--schedule={tmp_path / 'beat-schedule'}"] if with_beat else []
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings",
            "VAR_DIR": str(settings.VAR_DIR),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DATABASE_URL": database_url_for_workers(),
            "PYTHONUNBUFFERED": "1",
            **environment,
        }
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "lms",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    f"--hostname=reliability-{os.getpid()}-{len(started) + 1}@%h",
                    *beat,
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(process=process, log_path=log_path)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    for number, worker in enumerate(started, start=1):
        print(f"--- worker {number} log (tail) ---\n{worker.log()[-4000:]}")  # shown when the test failed
    leaked = {worker.group_id: live_processes_in_group(worker.group_id) for worker in started}
    assert not any(leaked.values()), f"worker processes left running: {leaked}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A Redis of this test's own, so stopping it never touches the machine's."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with (self.folder / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.folder),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "the test's Redis did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_broker_is_private_redis(private_redis):
    """This process publishes to the test's own Redis; the run's broker is back afterwards."""
    options = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
    # Celery reads the broker settings from Django's when it connects, but keeps the connection
    # and producer pools it built for the broker it had then. `_after_fork` is its own hook for
    # dropping both (a forked child must not share the parent's sockets).
    with override_settings(CELERY_BROKER_URL=private_redis.url, CELERY_BROKER_TRANSPORT_OPTIONS=options):
        celery_app._after_fork()
        assert celery_app.connection_for_write().port == private_redis.port
        yield private_redis
    celery_app._after_fork()


@contextmanager
def worker_in_a_thread(**options):
    """A real Celery worker in a thread of this process (it sees the test database); `options`
    go to Celery's start_worker, e.g. queues=["email"]."""
    ensure_broker_folders()
    # Messages left by earlier runs or by tests without a worker would be replayed here.
    celery_app.control.purge()
    # A worker started with `queues` narrows the app's own queue selection, which outlives it:
    # every later worker in this process would then consume those queues only.
    consumed_before = list(celery_app.amqp.queues.consume_from)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=15, **options) as worker:
            yield worker
    finally:
        celery_app.amqp.queues.select(consumed_before)
