"""The server side of bench/load/: a scratch PostgreSQL database, a Redis server of the
benchmark's own, gunicorn and a Celery worker. Only 127.0.0.1 is ever contacted."""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis

from badges.keygen import ensure_key_file

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server for this run alone: its statistics (cache hits and misses) are the
    stack's own, and nothing another program keeps in a shared Redis is touched."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.client = redis.Redis(host=HOST, port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    sys.exit("redis-server did not answer within 10 s")
                time.sleep(0.1)

    def lookups(self) -> tuple[int, int]:
        """(hits, misses) of key reads since the server started."""
        stats = self.client.info("stats")
        return stats["keyspace_hits"], stats["keyspace_misses"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def scratch_environment(var_dir: Path, *, redis_url: str, scratch_database: str) -> dict[str, str]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("bench.load measures the production stack: set DATABASE_URL (PostgreSQL).")
    scratch_db = urlsplit(database_url)._replace(path=f"/{scratch_database}").geturl()
    return {
        **os.environ,
        "DATABASE_URL": scratch_db,
        "REDIS_URL": redis_url,
        "VAR_DIR": str(var_dir),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "BEHIND_TLS_PROXY": "0",
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(var_dir / "static"),
        # Production (DEBUG off) has no demo signatory, and a course without one cannot be published.
        "CERTIFICATE_SIGNATORY_NAME": "Bench Signatory, MD",
        # Nor does it generate credential signing keys: it is given one.
        "OPEN_BADGES_SIGNING_KEY_FILES": str(bench_signing_key(var_dir)),
    }


def scratch_database_name() -> str:
    """Beside the configured database and named after it, so two checkouts sharing one
    PostgreSQL server never run in each other's scratch database."""
    configured = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "docere"
    return f"{configured}_bench_load"


def bench_signing_key(var_dir: Path) -> Path:
    path = var_dir / "keys" / "open-badges.pem"
    ensure_key_file(path)
    return path


def recreate_database(env: dict[str, str], name: str, *, drop_only: bool = False) -> None:
    import psycopg

    admin_url = urlsplit(env["DATABASE_URL"])._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def django_shell_json(env: dict[str, str], script: str):
    """Run `script` with `manage.py shell` against the scratch stack and return the JSON it
    printed on its last line (anything Django logs before it is skipped)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def start_stack(env: dict[str, str], port: int, gunicorn_workers: int) -> list[subprocess.Popen]:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.load_wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(gunicorn_workers),
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "--concurrency=1", "--loglevel=WARNING"],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        ),
    ]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return processes
        except OSError:
            pass
        time.sleep(0.2)
    stop(processes)
    sys.exit("gunicorn did not answer /healthz within 30 s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
