"""Credentials keep verifying across redeploys: production (DEBUG off) signs only with key
files it is given, the same files in every process, and refuses to start without them.

Each check starts a real process the way production does (`manage.py`, the WSGI module
gunicorn imports, `celery worker`, `celery beat`) with production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def production_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "OPEN_BADGES_SIGNING_KEY_FILES")
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
            "ALLOWED_HOSTS": "docere.example.org",
            "SITE_URL": "https://docere.example.org",
            "VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "lms.settings",
            **extra,
        }
    )
    return env


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def keygen(path: Path) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "badges.keygen", str(path)], env={**os.environ})


PRINT_SIGNING_KID = "import django; django.setup(); from badges.keys import signing_key; print(signing_key().kid)"

PROCESSES = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "web (the WSGI module gunicorn loads)": [sys.executable, "-c", "import lms.wsgi"],
    "worker": [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=solo"],
    "beat": [sys.executable, "-m", "celery", "-A", "lms", "beat"],
}


@pytest.mark.parametrize("process", PROCESSES)
def test_production_process_refuses_to_start_without_a_signing_key_file(process, tmp_path):
    result = run(PROCESSES[process], production_env(tmp_path / "var"))
    assert result.returncode != 0
    assert "OPEN_BADGES_SIGNING_KEY_FILES must be set when DEBUG is off" in result.stderr
    assert not (tmp_path / "var" / "keys").exists(), "no key may be generated in production"


def test_production_refuses_a_key_file_that_is_not_there(tmp_path):
    missing = tmp_path / "keys" / "open-badges.pem"
    result = run(PROCESSES["manage.py"], production_env(tmp_path / "var", OPEN_BADGES_SIGNING_KEY_FILES=str(missing)))
    assert result.returncode != 0
    assert f"names {missing}, which is not a file this process can read" in result.stderr


def test_production_refuses_a_key_file_that_holds_no_key(tmp_path):
    not_a_key = tmp_path / "open-badges.pem"
    not_a_key.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    result = run(PROCESSES["manage.py"], production_env(tmp_path / "var", OPEN_BADGES_SIGNING_KEY_FILES=str(not_a_key)))
    assert result.returncode != 0
    assert f"Cannot read the Open Badges signing key {not_a_key}" in result.stderr


def test_web_and_worker_sign_with_the_same_key_from_the_shared_file_and_keep_it_across_a_redeploy(tmp_path):
    key_file = tmp_path / "keys" / "open-badges.pem"
    assert keygen(key_file).returncode == 0
    assert key_file.stat().st_mode & 0o777 == 0o600
    original = key_file.read_bytes()

    assert (
        run(
            PROCESSES["manage.py"], production_env(tmp_path / "web-var", OPEN_BADGES_SIGNING_KEY_FILES=str(key_file))
        ).returncode
        == 0
    )
    # Two containers: each its own VAR_DIR, the key volume shared.
    kids = [
        run(
            [sys.executable, "-c", PRINT_SIGNING_KID],
            production_env(tmp_path / name, OPEN_BADGES_SIGNING_KEY_FILES=str(key_file)),
        )
        for name in ("web-var", "worker-var")
    ]
    assert all(result.returncode == 0 for result in kids), [result.stderr[-2000:] for result in kids]
    assert kids[0].stdout.strip() == kids[1].stdout.strip()
    assert kids[0].stdout.startswith("https://docere.example.org/credentials/keys/")

    # A redeploy runs the one-shot key service again: the key that signed stays.
    again = keygen(key_file)
    assert again.returncode == 0 and "Kept the existing" in again.stdout
    assert key_file.read_bytes() == original


def test_compose_stack_gives_web_worker_and_beat_one_persistent_key():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    env_example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    key_file = Path(env_example["OPEN_BADGES_SIGNING_KEY_FILES"])

    keys_service = services["keys"]
    assert keys_service["command"][-1] == str(key_file) and "badges.keygen" in keys_service["command"]
    volume, mount_point = keys_service["volumes"][0].split(":")[:2]
    assert volume in compose["volumes"], "the key lives in a named volume, kept across redeploys"
    assert key_file.parent == Path(mount_point)
    for name in ("migrate", "web", "worker", "beat"):
        assert f"{volume}:{mount_point}:ro" in services[name]["volumes"], f"{name} does not see the key"
        assert services[name]["depends_on"]["keys"]["condition"] == "service_completed_successfully"
