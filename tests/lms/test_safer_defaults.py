"""What Docere does when an operator leaves a setting out: the safe choice, not the handy one."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from badges.keygen import ensure_key_file

ROOT = Path(settings.BASE_DIR)
PRODUCTION_HOST = {
    "SECRET_KEY": "y" * 20 + "-a-production-like-secret-key-with-enough-entropy-9876543210",
    "ALLOWED_HOSTS": "docere.example.org",
    "SITE_URL": "https://docere.example.org",
}


def _environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # A process of its own, in a folder of its own: nothing the test run set up for itself.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment["VAR_DIR"] = str(tmp_path / "var")
    environment.update(overrides)
    return environment


def _manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def _last_line(output: str) -> str:
    # `manage.py shell` prints how many objects it imported before the command's own output.
    return output.strip().splitlines()[-1]


# --- DEBUG -----------------------------------------------------------------------------


def test_without_debug_set_docere_passes_the_deployment_checklist(tmp_path):
    key_file = tmp_path / "open-badges.pem"
    ensure_key_file(key_file)
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        environment=_environment(tmp_path, **PRODUCTION_HOST, OPEN_BADGES_SIGNING_KEY_FILES=str(key_file)),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_debug_set_docere_refuses_the_development_secret_key(tmp_path):
    result = _manage("check", environment=_environment(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


# --- SQLite named by DATABASE_URL ------------------------------------------------------

CONCURRENT_SUBMITS = """
import time
time.sleep(max(0, {start} - time.time()))
from django.db import OperationalError, connection, transaction
failures = []
for number in range(150):
    try:
        # A submit's shape: read what is there, work a little, then write.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM submission")
                time.sleep(0.005)
                cursor.execute("INSERT INTO submission (number) VALUES (%s)", [number])
    except OperationalError as error:
        failures.append(str(error))
print(len(failures), sorted(set(failures)))
"""


def test_a_sqlite_database_url_opens_the_database_in_wal_mode(tmp_path):
    environment = _environment(tmp_path, DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/named.sqlite3")
    result = _manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    print(cursor.execute('PRAGMA journal_mode').fetchone()[0])",
        environment=environment,
    )
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == "wal"


def test_two_processes_writing_at_once_to_a_sqlite_database_url_both_succeed(tmp_path):
    environment = _environment(tmp_path, DEBUG="1", DATABASE_URL=f"sqlite:///{tmp_path}/named.sqlite3")
    created = _manage(
        "shell",
        "-c",
        "from django.db import connection\nwith connection.cursor() as cursor:\n"
        "    cursor.execute('CREATE TABLE submission (id INTEGER PRIMARY KEY, number INTEGER)')",
        environment=environment,
    )
    assert created.returncode == 0, created.stderr

    # Both start their writes at the same moment, once Django has started in each.
    script = CONCURRENT_SUBMITS.format(start=time.time() + 4)
    writers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [writer.communicate(timeout=120) for writer in writers]

    for stdout, stderr in outcomes:
        assert _last_line(stdout) == "0 []", stdout + stderr


# --- Where private files are kept ------------------------------------------------------

SHOW_STORAGE = (
    "from django.core.files.storage import storages; default = storages['default']; "
    "print(type(default).__name__, getattr(default, 'bucket_name', ''), getattr(default, 'endpoint_url', ''))"
)


def test_private_files_stay_on_this_machine_unless_a_bucket_is_configured(tmp_path):
    result = _manage("shell", "-c", SHOW_STORAGE, environment=_environment(tmp_path, DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == "FileSystemStorage"


def test_storage_backend_s3_keeps_private_files_in_the_named_bucket(tmp_path):
    environment = _environment(
        tmp_path,
        DEBUG="1",
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="docere-files",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    result = _manage("shell", "-c", SHOW_STORAGE, environment=environment)
    assert result.returncode == 0, result.stderr
    assert _last_line(result.stdout) == "S3Storage docere-files http://127.0.0.1:9000"


def test_storage_backend_s3_without_a_bucket_refuses_to_start(tmp_path):
    result = _manage("check", environment=_environment(tmp_path, DEBUG="1", STORAGE_BACKEND="s3"))
    assert result.returncode != 0
    assert "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_storage_backend_is_refused_by_name(tmp_path):
    result = _manage("check", environment=_environment(tmp_path, DEBUG="1", STORAGE_BACKEND="ftp"))
    assert result.returncode != 0
    assert "STORAGE_BACKEND must be 'filesystem' or 's3' (got 'ftp')" in result.stderr
