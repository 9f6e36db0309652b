"""Load: 50 concurrent learners loop through module pages and post-test submissions for
60 s against gunicorn + PostgreSQL + Redis + a Celery worker, beside a bare Django view
(one ORM query) on the same server as the baseline. Only 127.0.0.1 is ever contacted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.load [--seconds 60] [--learners 50] [--rounds 3]
    ... .venv/bin/python -m bench.load --smoke     # CI: 4 learners, 3 s per scenario, one round

The load comes from wrk (Debian package `wrk`), a C client that leaves the two cores to
the server; bench/load.lua gives each learner its own thread and connection, so a learner
walks the post-test the way a browser does. The bare view and the module page take turns
(`--rounds`) and the ratio is theirs over the whole time; then all learners mix module
pages with whole post-test attempts. It builds a scratch database `docere_bench_load`
beside the configured one (never the configured database itself) and an unused Redis
database index, and removes both at the end. Prints req/s, p50/p95/p99 and errors per
scenario, and checks that every answer the server accepted is in the database. It exits
non-zero on any HTTP or socket error, a lost answer, or a scenario that served no request;
with --smoke it checks only that, not the figures' size.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from badges.keygen import ensure_key_file

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "docere_bench_load"
SCRATCH_REDIS_DB = 13
DEMO_COURSE = BASE_DIR / "courses" / "demo" / "inclusive-clinical-teaching.yaml"
HOST = "127.0.0.1"
LUA_SCRIPT = BASE_DIR / "bench" / "load.lua"
# --smoke: every scenario and the lost-answer check, for a few seconds each.
SMOKE = {"seconds": 3, "learners": 4, "rounds": 1, "gunicorn_workers": 2}
LEARNER_SCENARIOS = ("module page", "start attempt", "attempt page", "submit answers")


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
        # Production (DEBUG off) has no demo signatory, and a course without one cannot be published.
        "CERTIFICATE_SIGNATORY_NAME": "Bench Signatory, MD",
        # Nor does it generate credential signing keys: it is given one.
        "OPEN_BADGES_SIGNING_KEY_FILES": str(bench_signing_key(var_dir)),
    }


def bench_signing_key(var_dir: Path) -> Path:
    path = var_dir / "keys" / "open-badges.pem"
    ensure_key_file(path)
    return path


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
    return json.loads(result.stdout.strip().splitlines()[-1])


def write_learners_file(setup: dict, path: Path) -> None:
    lines = [f"{setup['slug']} {setup['modules']}"]
    lines += [f"{learner['session']} {learner['csrf_cookie']} {learner['csrf_token']}" for learner in setup["learners"]]
    path.write_text("\n".join(lines) + "\n")


@dataclass
class Run:
    """What one wrk run saw: each request's scenario, latency and outcome, and the attempts
    whose answers the server accepted (attempt id → number of answers)."""

    seconds: float
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0
    accepted_attempts: dict[int, int] = field(default_factory=dict)

    def merge(self, other: "Run") -> None:
        self.seconds += other.seconds
        for scenario, values in other.latencies_ms.items():
            self.latencies_ms.setdefault(scenario, []).extend(values)
        for scenario, count in other.errors.items():
            self.errors[scenario] = self.errors.get(scenario, 0) + count
        self.socket_errors += other.socket_errors
        self.accepted_attempts.update(other.accepted_attempts)

    def rate(self, scenario: str) -> float:
        return len(self.latencies_ms.get(scenario, [])) / self.seconds


def run_wrk(port: int, mode: str, learners_file: Path, seconds: float, connections: int, out: Path) -> Run:
    """One wrk thread and one connection per learner (see bench/load.lua)."""
    subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
         "-s", str(LUA_SCRIPT), f"http://{HOST}:{port}", "--", mode, str(learners_file)],
        env={**os.environ, "BENCH_LOAD_OUT": str(out)}, check=True, stdout=subprocess.DEVNULL,
    )
    run = Run(seconds=seconds)
    for line in out.read_text().splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "socket_errors":
            run.socket_errors += int(rest)
        elif kind == "attempt":
            attempt, answers = rest.split("\t")
            run.accepted_attempts[int(attempt)] = int(answers)
        else:
            micros, ok = rest.split("\t")
            run.latencies_ms.setdefault(kind, []).append(int(micros) / 1000)
            if ok == "0":
                run.errors[kind] = run.errors.get(kind, 0) + 1
    return run


def summary(run: Run) -> dict[str, dict]:
    rows = {}
    for scenario, latencies in sorted(run.latencies_ms.items()):
        ordered = sorted(latencies)
        quantiles = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
        rows[scenario] = {
            "requests": len(ordered), "rate": run.rate(scenario),
            "p50": quantiles[49], "p95": quantiles[94], "p99": quantiles[98],
            "errors": run.errors.get(scenario, 0),
        }
    return rows


def answers_stored(env: dict[str, str], accepted: dict[int, int], var_dir: Path) -> dict[int, int]:
    """Answers in the database for each attempt whose submission the server accepted."""
    ids_file = var_dir / "accepted-attempts.json"
    ids_file.write_text(json.dumps(sorted(accepted)))
    script = f"""
import json
from django.db.models import Count
from courses.models import Answer
ids = json.load(open({str(ids_file)!r}))
rows = (Answer.objects.filter(attempt_id__in=ids, attempt__submitted_at__isnull=False)
        .values("attempt_id").annotate(n=Count("id")).values_list("attempt_id", "n"))
print(json.dumps(dict(rows)))
"""
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=BASE_DIR, env=env,
                            check=True, capture_output=True, text=True)
    return {int(attempt): count for attempt, count in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def start_stack(env: dict[str, str], port: int, gunicorn_workers: int) -> list[subprocess.Popen]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bench.load_wsgi:application", "--bind", f"{HOST}:{port}",
             "--workers", str(gunicorn_workers), "--log-level", "warning"],
            cwd=BASE_DIR, env=env, start_new_session=True),
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "lms", "worker", "--concurrency=1", "--loglevel=WARNING"],
            cwd=BASE_DIR, env=env, start_new_session=True, stdout=subprocess.DEVNULL),
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


def print_table(rows: dict[str, dict]) -> None:
    print(f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in rows.items():
        print(f"{name:<16}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}{row['errors']:>8}")


def missing_figures(bare: Run, module: Run, learners: Run) -> list[str]:
    """Each scenario must have served requests, or its line and the ratio would mean nothing."""
    served = [("bare view", bare), ("module page", module)] + [(scenario, learners) for scenario in LEARNER_SCENARIOS]
    missing = [f"no {scenario} request in the {'mixed' if run is learners else 'alone'} run"
               for scenario, run in served if not run.latencies_ms.get(scenario)]
    if not learners.accepted_attempts:
        missing.append("no post-test attempt accepted, so no answer could be checked")
    return missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="per scenario")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3,
                        help="the baseline and the module page take turns this many times, so drift in the "
                             "machine's speed falls on both alike")
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--smoke", action="store_true",
                        help=f"a quick run that checks the benchmark works, not the figures: {SMOKE}")
    options = parser.parse_args()
    if options.smoke:
        vars(options).update(SMOKE)
    started = time.monotonic()
    if shutil.which("wrk") is None:
        sys.exit("bench.load drives the load with wrk: apt-get install wrk (or make bench-load)")

    var_dir = Path(tempfile.mkdtemp(prefix="docere-load-", dir=BASE_DIR / "var" if (BASE_DIR / "var").exists() else None))
    env = scratch_environment(var_dir)
    recreate_database(env)
    processes: list[subprocess.Popen] = []
    try:
        setup = prepare(env, options.learners)
        learners_file = var_dir / "learners.txt"
        write_learners_file(setup, learners_file)
        port = free_port()
        processes = start_stack(env, port, options.gunicorn_workers)

        def wrk(mode: str, seconds: float) -> Run:
            return run_wrk(port, mode, learners_file, seconds, options.learners, var_dir / f"{mode}.tsv")

        wrk("module", 3)  # warm every gunicorn worker: connections, templates, cached content
        print(f"{options.learners} learners (one wrk connection each), {options.seconds:.0f} s per scenario, "
              f"gunicorn × {options.gunicorn_workers}, {multiprocessing.cpu_count()} cores")
        bare, module, round_ratios = Run(seconds=0), Run(seconds=0), []
        for _ in range(options.rounds):
            bare_round = wrk("bare", options.seconds / options.rounds)
            module_round = wrk("module", options.seconds / options.rounds)
            round_ratios.append(module_round.rate("module page") / bare_round.rate("bare view"))
            bare.merge(bare_round)
            module.merge(module_round)
        learners = wrk("learners", options.seconds)
        stored = answers_stored(env, learners.accepted_attempts, var_dir)

        print("\nThe module page alone, taking turns with the baseline:")
        print_table({**summary(bare), **summary(module)})
        ratio = module.rate("module page") / bare.rate("bare view")
        print(f"module page / bare view: {ratio:.2f}× (rounds: {', '.join(f'{r:.2f}' for r in round_ratios)})")
        print("\nLearners: module pages and, every fourth page, a whole post-test attempt:")
        print_table(summary(learners))
        sent = sum(learners.accepted_attempts.values())
        lost = sum(max(0, count - stored.get(attempt, 0)) for attempt, count in learners.accepted_attempts.items())
        print(f"answers accepted by the server: {sent} in {len(learners.accepted_attempts)} attempts; "
              f"in the database: {sum(stored.values())}; lost: {lost}")
        socket_errors = bare.socket_errors + module.socket_errors + learners.socket_errors
        print(f"socket errors: {socket_errors}")
        failures = missing_figures(bare, module, learners)
        http_errors = sum(sum(run.errors.values()) for run in (bare, module, learners))
        if http_errors or socket_errors:
            failures.append(f"{http_errors} HTTP errors and {socket_errors} socket errors")
        if lost:
            failures.append(f"{lost} accepted answers missing from the database")
        if failures:
            sys.exit("bench.load failed: " + "; ".join(failures))
        print(f"bench.load{' --smoke' if options.smoke else ''}: every figure produced, no errors, no lost answers, "
              f"in {time.monotonic() - started:.0f} s")
    finally:
        stop(processes)
        recreate_database(env, drop_only=True)
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
