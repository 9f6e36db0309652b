"""`make run` as a newcomer runs it: on another port, with the embedded defaults."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

REPO = Path(settings.BASE_DIR)
START_TIMEOUT_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — a loopback URL built here
            return response.read()
    except OSError:
        return None


def _wait_for(condition, what: str, output: Path):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"`make run` never got to: {what}. Its output:\n{output.read_text()[-4000:]}")


@pytest.fixture
def make_run(tmp_path):
    """`make run PORT=…` in a folder of its own, on SQLite and the filesystem broker."""
    port = _free_port()
    environment = {
        name: value
        for name, value in os.environ.items()
        # What the test run sets for itself is not what a newcomer's shell has: no DEBUG
        # either, so this also shows that `make run` turns DEBUG on by itself.
        if name not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
        and not name.startswith("MAKE")
    }
    environment["VAR_DIR"] = str(tmp_path / "var")
    output = tmp_path / "make-run.log"
    with output.open("wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield port, tmp_path / "var", output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_run_on_another_port_writes_that_port_into_every_link(make_run):
    port, var_dir, output = make_run
    site = f"http://127.0.0.1:{port}"

    issuer = _wait_for(lambda: _get(f"{site}/credentials/issuer"), "the web server answering", output)
    # The Open Badges issuer is what verifiers fetch: its id and url must be reachable.
    issuer = json.loads(issuer)
    assert issuer["id"] == f"{site}/credentials/issuer"
    assert issuer["url"] == site

    # The demo learner's certificate is rendered by the worker, a process of its own.
    pdf = _wait_for(
        lambda: next((var_dir / "media" / "certificates").rglob("*.pdf"), None),
        "the worker rendering the demo certificate",
        output,
    )
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert f"127.0.0.1:{port}/verify/" in text.replace("\n", "")
    assert "127.0.0.1:8000" not in text

    def ready_email_printed():
        log = output.read_text()
        return log if "is ready" in log else None

    log = _wait_for(ready_email_printed, "the worker printing the certificate-ready e-mail", output)
    assert f"{site}/certificates/" in log
    assert f"{site}/verify/" in log
    assert "127.0.0.1:8000" not in log
    # The filesystem broker names its host, so kombu has nothing to warn a newcomer about.
    assert "No hostname was supplied" not in log
