"""The production stack, started the way docs/operations.md runs it, for the checks in this folder.

gunicorn (two workers) behind Debian's nginx with deploy/nginx/docere.conf.template (TLS with a
throw-away certificate, forwarded headers, body limits), DEBUG off, PostgreSQL, a Redis server
of its own, and a real Celery worker and beat, each a separate process with the production
settings. Nothing is shared with the test process: pages are reached over HTTPS only.

It needs the PostgreSQL server that DATABASE_URL names (`make test-production` and .ci/run set
it). It works in a scratch database, dropped afterwards, and starts its own redis-server on a
free port, so the outage drill can stop and restart it without touching anything else.
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import environ
import psycopg
import pytest
import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings as project_settings

from tests.nginx import Proxy, free_port, running_nginx, wait_for_port

ROOT = Path(project_settings.BASE_DIR)
BIN = Path(sys.executable).parent
REDIS_SERVER = "/usr/bin/redis-server"
# One per run, so two runs on the same PostgreSQL server (two checkouts) never drop each other's.
SCRATCH_DATABASE = f"docere_production_check_{os.getpid()}"
DEMO_COURSE = ROOT / "courses" / "demo" / "bias-in-assessment-and-feedback.yaml"
SIGNATORY = "Dr. Imani Castellanos-Reyes"
JOURNEY_LEARNER = "journey@example.org"
DRILL_LEARNER = "drill@example.org"
GUESSER = "guesser@example.org"
COLLEAGUE = "colleague@example.org"
PASSWORD = "a-Long-production-check-password-42"

# Learners as a production site gets them: a verified email and a complete CME profile. The
# drill's learner has also finished the course, so its claim is one request away.
SEED = f"""
from courses.models import Course
from tests.certificates.conftest import complete_course
from tests.factories import ProfileFactory

course = Course.objects.get(slug="bias-in-assessment-and-feedback")
ProfileFactory(user__email="{JOURNEY_LEARNER}", user__password="{PASSWORD}",
               certificate_name="Rosa Delgado-Whitfield, MD")
drill = ProfileFactory(user__email="{DRILL_LEARNER}", user__password="{PASSWORD}",
                       certificate_name="Tomasz Okonkwo-Lindqvist, MD").user
complete_course(drill, course)
for email in ("{GUESSER}", "{COLLEAGUE}"):
    ProfileFactory(user__email=email, user__password="{PASSWORD}")
"""


class RedisServer:
    """A redis-server of the stack's own on a fixed port, which the drill can stop and start."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.running:
            return
        log = open(self.folder / "redis.log", "a")  # noqa: SIM115 — the server writes to it until stopped
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process, "redis-server")
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while not client.ping() and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Stack:
    folder: Path
    env: dict
    redis: RedisServer
    gunicorn_port: int
    proxy: Proxy | None = None
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.proxy.url

    def manage(self, *args: str, timeout: float = 300) -> str:
        finished = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if finished.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{finished.stdout}\n{finished.stderr}")
        return finished.stdout

    def query(self, sql: str, *params) -> list[tuple]:
        """Reads the stack's database directly, for what a page does not show (a stored row)."""
        with psycopg.connect(self.env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)) as connection:
            return connection.execute(sql, params).fetchall()

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "a")  # noqa: SIM115 — the process writes to it until stopped
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self.processes[name]

    def logs(self, lines: int = 40) -> str:
        parts = []
        for log in sorted(self.folder.glob("*.log")) + sorted(self.folder.glob("nginx/*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name} (last {len(tail)} lines)\n" + "\n".join(tail))
        return "\n".join(parts)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _admin_connection(database_url: str) -> psycopg.Connection:
    server = environ.Env.db_url_config(database_url)
    if "postgresql" not in server["ENGINE"]:
        raise RuntimeError(f"The production checks need PostgreSQL: DATABASE_URL is {database_url!r}.")
    return psycopg.connect(
        dbname="postgres",
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        autocommit=True,
    )


def _scratch_database_url(database_url: str) -> str:
    base, _, _ = database_url.rpartition("/")
    return f"{base}/{SCRATCH_DATABASE}"


def _wait_until_ready(url: str, context, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5, context=context) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read().decode(errors='replace')}"
        except OSError as error:
            last = repr(error)
        time.sleep(0.25)
    raise RuntimeError(f"{url}/readyz never answered 200: {last}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        pytest.fail("The production checks need DATABASE_URL naming a PostgreSQL server (`make test-production`).")
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"{REDIS_SERVER} is missing: `make test` installs Debian's redis-server package.")
    folder = tmp_path_factory.mktemp("production")
    with _admin_connection(database_url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
    redis_server = RedisServer(folder)
    redis_server.start()
    gunicorn_port = free_port()
    badge_key = folder / "open-badges-signing-key.pem"
    # Durable keys shared by web and worker, as production must have (not generated per process).
    badge_key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    # The production settings of .env.example, with this machine's addresses. The test
    # process's own Django variables (its test database, DEBUG) must not leak in.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_ALLOW", "DEBUG", "CELERY", "CERTIFICATE", "OPEN_BADGES", "SECURE"))
    }
    stack = Stack(folder=folder, env=env, redis=redis_server, gunicorn_port=gunicorn_port)
    try:
        with running_nginx(folder / "nginx", upstream=f"127.0.0.1:{gunicorn_port}") as proxy:
            stack.proxy = proxy
            env.update(
                {
                    "DJANGO_SETTINGS_MODULE": "lms.settings",
                    "DEBUG": "0",
                    "SECRET_KEY": secrets.token_urlsafe(50),
                    "ALLOWED_HOSTS": "127.0.0.1",
                    "SITE_URL": proxy.url,
                    "DATABASE_URL": _scratch_database_url(database_url),
                    "REDIS_URL": f"redis://127.0.0.1:{redis_server.port}/0",
                    "VAR_DIR": str(folder / "var"),
                    "MEDIA_ROOT": str(folder / "media"),
                    "STATIC_ROOT": str(folder / "static"),
                    "EMAIL_URL": "consolemail://",
                    "BEHIND_TLS_PROXY": "1",
                    "TRUSTED_PROXY_COUNT": "1",
                    "SECURE_SSL_REDIRECT": "1",
                    "CERTIFICATE_SIGNATORY_NAME": SIGNATORY,
                    "OPEN_BADGES_SIGNING_KEY_FILES": str(badge_key),
                    # The sweeper re-queues a certificate whose message was lost (a broker outage)
                    # after this long; the drill waits for it.
                    "CERTIFICATE_PENDING_STUCK_AFTER_SECONDS": "10",
                    "CELERY_WORKER_CONCURRENCY": "1",
                    "LOG_LEVEL": "INFO",
                }
            )
            stack.manage("migrate", "--noinput")
            stack.manage("collectstatic", "--noinput")
            stack.manage("course_import", str(DEMO_COURSE))
            stack.manage("shell", "-c", SEED)
            stack.start(
                "gunicorn",
                str(BIN / "gunicorn"),
                "lms.wsgi:application",
                "--bind",
                f"127.0.0.1:{gunicorn_port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
                # Its control socket sits at one path per user: another gunicorn's.
                "--no-control-socket",
            )
            stack.start(
                "worker",
                str(BIN / "celery"),
                "-A",
                "lms",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                "production-check@%h",
            )
            stack.start(
                "beat",
                str(BIN / "celery"),
                "-A",
                "lms",
                "beat",
                "--loglevel=INFO",
                f"--schedule={folder / 'celerybeat-schedule'}",
            )
            wait_for_port(gunicorn_port, stack.processes["gunicorn"], "gunicorn", timeout=60)
            _wait_until_ready(proxy.url, proxy.ssl_context())
            yield stack
    finally:
        stack.stop()
        redis_server.stop()
        with _admin_connection(database_url) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing check shows what the stack's processes logged."""
    outcome = yield
    report = outcome.get_result()
    stack = getattr(item, "funcargs", {}).get("stack")
    if report.failed and isinstance(stack, Stack):
        report.sections.append(("production stack logs", stack.logs()))


def certificate_rows(stack: Stack, email: str) -> list[tuple[str, str]]:
    """(code, status) of each certificate of the learner with this email."""
    return stack.query(
        "SELECT c.code, c.status FROM certificates_certificate c JOIN accounts_user u ON u.id = c.user_id "
        "WHERE u.email = %s",
        email,
    )
