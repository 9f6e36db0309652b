"""Load: 50 concurrent learners loop through module pages and post-test submissions for
60 s against gunicorn + PostgreSQL + Redis + a Celery worker, beside a bare Django view
(one ORM query) on the same server as the baseline. Only 127.0.0.1 is ever contacted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.load [--seconds 60] [--learners 50] [--gunicorn-workers 4]

It builds a scratch database `docere_bench_load` beside the configured one (never the
configured database itself) and an unused Redis database index, and removes both at the
end. Prints req/s, p50/p95/p99 and errors per scenario, the ratio of the module page to the
bare view, and checks afterwards that every answer the server accepted is in the database.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "docere_bench_load"
SCRATCH_REDIS_DB = 13
DEMO_COURSE = BASE_DIR / "courses" / "demo" / "inclusive-clinical-teaching.yaml"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def scratch_environment(var_dir: Path) -> dict[str, str]:
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("bench.load measures the production stack: set DATABASE_URL (PostgreSQL) and REDIS_URL.")
    parts = urlsplit(database_url)
    scratch_db = parts._replace(path=f"/{SCRATCH_DATABASE}").geturl()
    scratch_redis = urlsplit(redis_url)._replace(path=f"/{SCRATCH_REDIS_DB}").geturl()
    return {
        **os.environ, "DATABASE_URL": scratch_db, "REDIS_URL": scratch_redis, "VAR_DIR": str(var_dir),
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
        "BEHIND_TLS_PROXY": "0", "DJANGO_SETTINGS_MODULE": "bench.load_settings", "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(var_dir / "static"),
    }


def recreate_database(env: dict[str, str], *, drop_only: bool = False) -> None:
    import psycopg

    admin_url = urlsplit(env["DATABASE_URL"])._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{SCRATCH_DATABASE}"')


def prepare(env: dict[str, str], learners: int) -> list[dict]:
    """Migrate, import a course, and give each learner a session, ready for the post-test."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    # As in the production image: hashed static files served by WhiteNoise.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
                   check=True)
    script = f"""
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from courses import services
from courses.importers.course_yaml import course_import_yaml
from courses.models import Quiz
course = course_import_yaml(text=open({str(DEMO_COURSE)!r}).read())
# Unlimited attempts and a score no one reaches: every loop can start a new attempt.
Quiz.objects.filter(course=course, kind="post_test").update(max_attempts=0, draw_count=10)
course.passing_score_percent = 100
course.save()
User = get_user_model()
out = []
for n in range({learners}):
    user = User.objects.create_user(username=f"load{{n}}@example.org", email=f"load{{n}}@example.org")
    enrollment = services.enrollment_create(user=user, course=course)
    services.disclosures_acknowledge(enrollment=enrollment)
    for module in course.modules.order_by("order"):
        services.module_complete(enrollment=enrollment, module=module)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    secret = _get_new_csrf_string()
    out.append({{"session": session.session_key, "csrf_cookie": secret, "csrf_token": _mask_cipher_secret(secret)}})
print(json.dumps({{"slug": course.slug, "modules": course.modules.count(), "learners": out}}))
"""
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=BASE_DIR, env=env,
                            check=True, capture_output=True, text=True)
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.answers_sent = 0

    def add(self, scenario: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.setdefault(scenario, []).append(seconds)
            if not ok:
                self.errors[scenario] = self.errors.get(scenario, 0) + 1


def learner_loop(port: int, slug: str, modules: int, learner: dict, stop_at: float, recorder: Recorder,
                 mode: str) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    cookie = f"sessionid={learner['session']}; csrftoken={learner['csrf_cookie']}"
    headers = {"Cookie": cookie, "Host": HOST}

    def request(scenario: str, method: str, path: str, body: dict | None = None, expect=(200,)):
        data = urlencode(body, doseq=True) if body is not None else None
        extra = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": learner["csrf_token"],
                 "Referer": f"http://{HOST}:{port}/"} if data is not None else {}
        started = time.perf_counter()
        try:
            connection.request(method, path, body=data, headers={**headers, **extra})
            response = connection.getresponse()
            payload = response.read()
            ok = response.status in expect
            location = response.getheader("Location", "")
        except (OSError, http.client.HTTPException):
            ok, payload, location = False, b"", ""
            connection.close()
        recorder.add(scenario, time.perf_counter() - started, ok)
        return ok, payload, location

    module = 0
    while time.perf_counter() < stop_at:
        if mode == "bare":
            request("bare view", "GET", "/bench/bare")
            continue
        request("module page", "GET", f"/courses/{slug}/modules/{module % modules + 1}/")
        module += 1
        if module % 4:
            continue
        ok, _, location = request("start attempt", "POST", f"/courses/{slug}/post-test/", {}, expect=(302,))
        match = re.search(r"/attempts/(\d+)/", location)
        if not ok or not match:
            continue
        attempt = match.group(1)
        ok, page, _ = request("attempt page", "GET", f"/attempts/{attempt}/")
        answers = {}
        for question, option in re.findall(rb'name="q(\d+)" value="(\d+)"', page):
            answers.setdefault(f"q{question.decode()}", [option.decode()])
        ok, _, _ = request("submit answers", "POST", f"/attempts/{attempt}/submit/", answers, expect=(302,))
        if ok:
            with recorder.lock:
                recorder.answers_sent += len(answers)


def drive(port: int, setup: dict, seconds: float, mode: str) -> Recorder:
    recorder = Recorder()
    stop_at = time.perf_counter() + seconds
    threads = [threading.Thread(target=learner_loop, args=(port, setup["slug"], setup["modules"], learner, stop_at,
                                                          recorder, mode), daemon=True)
               for learner in setup["learners"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return recorder


def summary(recorder: Recorder, seconds: float) -> dict[str, dict]:
    rows = {}
    for scenario, latencies in sorted(recorder.latencies.items()):
        ordered = sorted(latencies)
        quantiles = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
        rows[scenario] = {
            "requests": len(ordered), "rate": len(ordered) / seconds,
            "p50": quantiles[49] * 1000, "p95": quantiles[94] * 1000, "p99": quantiles[98] * 1000,
            "errors": recorder.errors.get(scenario, 0),
        }
    return rows


def answers_in_database(env: dict[str, str]) -> int:
    script = ("from courses.models import Answer; "
              "print(Answer.objects.filter(attempt__submitted_at__isnull=False).count())")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=BASE_DIR, env=env,
                            check=True, capture_output=True, text=True)
    return int(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    options = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="docere-load-", dir=BASE_DIR / "var" if (BASE_DIR / "var").exists() else None))
    env = scratch_environment(var_dir)
    recreate_database(env)
    processes: list[subprocess.Popen] = []
    try:
        setup = prepare(env, options.learners)
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench.load_wsgi:application", "--bind", f"{HOST}:{port}",
             "--workers", str(options.gunicorn_workers), "--log-level", "warning"],
            cwd=BASE_DIR, env=env, start_new_session=True))
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "--concurrency=1", "--loglevel=WARNING"],
            cwd=BASE_DIR, env=env, start_new_session=True, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                http.client.HTTPConnection(HOST, port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        drive(port, setup, 3, "bare")  # warm every gunicorn worker's connections
        print(f"{options.learners} learners, {options.seconds:.0f} s per scenario, gunicorn × "
              f"{options.gunicorn_workers}, {multiprocessing.cpu_count()} cores")
        bare = summary(drive(port, setup, options.seconds, "bare"), options.seconds)
        learners = drive(port, setup, options.seconds, "learners")
        loaded = summary(learners, options.seconds)
        stored = answers_in_database(env)
        print(f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        for name, row in {**bare, **loaded}.items():
            print(f"{name:<16}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}{row['errors']:>8}")
        ratio = loaded["module page"]["rate"] / bare["bare view"]["rate"]
        print(f"module page / bare view: {ratio:.2f}× (the module page shares the server with the quiz traffic)")
        print(f"answers accepted by the server: {learners.answers_sent}; answers in the database: {stored}; "
              f"lost: {learners.answers_sent - stored}")
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
        recreate_database(env, drop_only=True)
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
