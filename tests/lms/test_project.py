"""The project as an operator meets it: settings, migrations, the production stack."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from badges.keygen import ensure_key_file

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, env_overrides=None):
    # A production-like process: no test-only switches (the browser journeys set one).
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_overrides or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "docere.example.org",
    "SITE_URL": "https://docere.example.org",
}


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    # Production signs credentials only with a key file it is given (tests/badges/test_keys_production.py).
    key_file = tmp_path / "open-badges.pem"
    ensure_key_file(key_file)
    env = {**PRODUCTION_ENV, "OPEN_BADGES_SIGNING_KEY_FILES": str(key_file)}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_rendering_threshold_within_the_render_time_limit_is_refused():
    # The sweeper would hand a render still running to a second worker.
    result = _manage("check", env_overrides={"CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS": "30"})
    assert result.returncode != 0
    assert "CERTIFICATE_RENDERING_STUCK_AFTER_SECONDS must exceed the render task's hard time limit (45 s)" in (
        result.stderr
    )


@pytest.mark.django_db
def test_migrations_are_in_step_with_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_compose_file_describes_the_production_stack_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert "gunicorn" in str(services["web"]["command"])
    assert "worker" in str(services["worker"]["command"]) and "beat" in str(services["beat"]["command"])
    assert services["postgres"].get("volumes") and services["redis"].get("volumes")
    env_example = (ROOT / ".env.example").read_text()
    for variable in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL"):
        assert f"{variable}=" in env_example
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango" in dockerfile and "libharfbuzz-subset0" in dockerfile and "collectstatic" in dockerfile


def test_beat_schedule_clears_expired_sessions(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accounts.tasks.clear_expired_sessions" in tasks


@pytest.mark.django_db
def test_clear_expired_sessions_task_removes_only_expired_sessions():
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.tasks import clear_expired_sessions

    Session.objects.create(session_key="old", session_data="", expire_date=timezone.now() - timedelta(days=1))
    Session.objects.create(session_key="live", session_data="", expire_date=timezone.now() + timedelta(days=1))
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_a_fresh_clone_migrates_into_a_var_folder_that_does_not_exist_yet(tmp_path):
    var_dir = tmp_path / "fresh-clone" / "var"
    result = _manage("migrate", "--noinput", "-v0", env_overrides={"VAR_DIR": str(var_dir)})
    assert result.returncode == 0, result.stderr[-2000:]
    assert (var_dir / "db.sqlite3").exists()
