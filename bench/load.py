"""Load: learners spread over the three demo courses, at every module, about a third of
them in the post-test, for 60 s against gunicorn + PostgreSQL + Redis + a Celery worker,
with the shared cache on and then off (Django's DummyCache), beside a bare Django view
(one ORM query) on the same server as the baseline. Only 127.0.0.1 is ever contacted.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.load [--seconds 60] [--learners 50] [--rounds 3]
    ... .venv/bin/python -m bench.load --smoke     # CI: 6 learners, 3 s per scenario, one round

The load comes from wrk (Debian package `wrk`), a C client that leaves the two cores to
the server; bench/load.lua gives each learner its own thread and connection, so a learner
walks the post-test the way a browser does. Where each learner is comes from
`population()`: two in three are reading, each at a module of their own course (every
module has readers), and can open that module and the ones before it; one in three has
finished the modules and loops through post-test attempts (start, read, submit ten
answers, look at a module page). For each cache setting the bare view and the module page
(every learner reading the pages open to them) take turns (`--rounds`), and the ratio is
theirs over the whole time; then the learners do what their place says, all at once.

It builds a scratch database `<configured name>_bench_load` beside the configured one
(never the configured database itself) and starts a redis-server of its own, whose key
reads give the cache hit rate; it removes both at the end. Prints req/s, p50/p95/p99 and
errors per request type, the cache hit rate, and checks that every answer the server
accepted is in the database. It exits non-zero on any HTTP or socket error, a lost
answer, or a request type that served no request; with --smoke it checks only that, not
the figures' size.
"""

import argparse
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.load_stack import (
    BASE_DIR,
    HOST,
    PrivateRedis,
    free_port,
    recreate_database,
    scratch_database_name,
    scratch_environment,
    start_stack,
    stop,
)

DEMO_COURSES = sorted((BASE_DIR / "courses" / "demo").glob("*.yaml"))
LUA_SCRIPT = BASE_DIR / "bench" / "load.lua"
# --smoke: every scenario, both cache settings and the lost-answer check, for a few seconds each.
SMOKE = {"seconds": 3, "learners": 6, "rounds": 1, "gunicorn_workers": 2}
LEARNER_SCENARIOS = ("module page", "start attempt", "attempt page", "submit answers")
# The same production settings, with the shared cache (Redis) and with no cache at all.
CACHE_SETTINGS = {"cache on": "bench.load_settings", "cache off": "bench.load_settings_nocache"}
# One learner in this many is in the post-test.
POST_TEST_EVERY = 3


@dataclass(frozen=True)
class Place:
    """Where a learner is: modules 1 to `open_modules` of the course are open to them (all
    but the last complete); in the post-test, every module is complete."""

    course: int
    open_modules: int
    in_post_test: bool


def population(*, learners: int, modules_per_course: Sequence[int]) -> list[Place]:
    """Learners in groups of POST_TEST_EVERY, the groups dealt to the courses in turn; the
    last of each group is in the post-test, and each course's readers are dealt to its
    modules in turn, so every module has readers once a course has as many as modules."""
    places: list[Place] = []
    readers = [0] * len(modules_per_course)
    for n in range(learners):
        course = (n // POST_TEST_EVERY) % len(modules_per_course)
        modules = modules_per_course[course]
        if n % POST_TEST_EVERY == POST_TEST_EVERY - 1:
            places.append(Place(course=course, open_modules=modules, in_post_test=True))
        else:
            places.append(Place(course=course, open_modules=1 + readers[course] % modules, in_post_test=False))
            readers[course] += 1
    return places


def prepare(env: dict[str, str], learners: int) -> list[dict]:
    """Migrate, import the demo courses, and put each learner at their place, signed in."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    # As in the production image: hashed static files served by WhiteNoise.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    script = f"""
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from bench.load import population
from courses import services
from courses.importers.course_yaml import course_import_yaml
from courses.models import Course, Quiz
courses = [course_import_yaml(text=open(path).read()) for path in {[str(path) for path in DEMO_COURSES]!r}]
# Unlimited attempts and a score no one reaches: a learner in the post-test can always start another.
Quiz.objects.filter(course__in=courses, kind="post_test").update(max_attempts=0, draw_count=10)
Course.objects.filter(pk__in=[course.pk for course in courses]).update(passing_score_percent=100)
modules = [list(course.modules.order_by("order")) for course in courses]
User = get_user_model()
out = []
for n, place in enumerate(population(learners={learners}, modules_per_course=[len(m) for m in modules])):
    user = User.objects.create_user(username=f"load{{n}}@example.org", email=f"load{{n}}@example.org")
    enrollment = services.enrollment_create(user=user, course=courses[place.course])
    services.disclosures_acknowledge(enrollment=enrollment)
    done = modules[place.course] if place.in_post_test else modules[place.course][:place.open_modules - 1]
    for module in done:
        services.module_complete(enrollment=enrollment, module=module)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    secret = _get_new_csrf_string()
    out.append({{"session": session.session_key, "csrf_cookie": secret, "csrf_token": _mask_cipher_secret(secret),
                "slug": courses[place.course].slug, "open_modules": place.open_modules,
                "role": "post-test" if place.in_post_test else "reader"}})
print(json.dumps(out))
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def write_learners_file(learners: list[dict], path: Path) -> None:
    path.write_text(
        "".join(
            f"{x['session']} {x['csrf_cookie']} {x['csrf_token']} {x['slug']} {x['open_modules']} {x['role']}\n"
            for x in learners
        )
    )


@dataclass
class Run:
    """What one wrk run saw: each request's scenario, latency and outcome, and the attempts
    whose answers the server accepted (attempt id → number of answers)."""

    seconds: float
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    socket_errors: int = 0
    accepted_attempts: dict[int, int] = field(default_factory=dict)
    # Key reads on the stack's Redis during the run: the shared cache's hits and misses.
    cache_hits: int = 0
    cache_misses: int = 0

    def merge(self, other: "Run") -> None:
        self.seconds += other.seconds
        for scenario, values in other.latencies_ms.items():
            self.latencies_ms.setdefault(scenario, []).extend(values)
        for scenario, count in other.errors.items():
            self.errors[scenario] = self.errors.get(scenario, 0) + count
        self.socket_errors += other.socket_errors
        self.accepted_attempts.update(other.accepted_attempts)
        self.cache_hits += other.cache_hits
        self.cache_misses += other.cache_misses

    def rate(self, scenario: str) -> float:
        return len(self.latencies_ms.get(scenario, [])) / self.seconds

    def hit_rate(self) -> str:
        lookups = self.cache_hits + self.cache_misses
        if not lookups:
            return "no cache reads"
        return f"{100 * self.cache_hits / lookups:.1f}% of {lookups} cache reads"


def run_wrk(
    port: int, mode: str, learners_file: Path, seconds: float, connections: int, out: Path, redis: PrivateRedis
) -> Run:
    """One wrk thread and one connection per learner (see bench/load.lua)."""
    hits_before, misses_before = redis.lookups()
    subprocess.run(
        [
            "wrk",
            f"-t{connections}",
            f"-c{connections}",
            f"-d{seconds:.0f}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            f"http://{HOST}:{port}",
            "--",
            mode,
            str(learners_file),
        ],
        env={**os.environ, "BENCH_LOAD_OUT": str(out)},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    hits_after, misses_after = redis.lookups()
    run = Run(seconds=seconds, cache_hits=hits_after - hits_before, cache_misses=misses_after - misses_before)
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
            "requests": len(ordered),
            "rate": run.rate(scenario),
            "p50": quantiles[49],
            "p95": quantiles[94],
            "p99": quantiles[98],
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
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return {int(attempt): count for attempt, count in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def print_table(rows: dict[str, dict]) -> None:
    print(f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in rows.items():
        print(f"{name:<16}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}{row['errors']:>8}")


def missing_figures(label: str, bare: Run, module: Run, learners: Run) -> list[str]:
    """Each request type must have served requests, or its line and the ratio would mean nothing."""
    served = [("bare view", bare), ("module page", module)] + [(scenario, learners) for scenario in LEARNER_SCENARIOS]
    missing = [
        f"{label}: no {scenario} request in the {'mixed' if run is learners else 'alone'} run"
        for scenario, run in served
        if not run.latencies_ms.get(scenario)
    ]
    if not learners.accepted_attempts:
        missing.append(f"{label}: no post-test attempt accepted, so no answer could be checked")
    return missing


@dataclass
class Measured:
    bare: Run
    module: Run
    learners: Run
    round_ratios: list[float]

    @property
    def ratio(self) -> float:
        return self.module.rate("module page") / self.bare.rate("bare view")


def measure(label: str, wrk, options) -> Measured:
    """One cache setting: the baseline and the module page taking turns, then the mixed run."""
    wrk("module", 1 if options.smoke else 3)  # warm every gunicorn worker: connections, templates, the cache
    bare, module, round_ratios = Run(seconds=0), Run(seconds=0), []
    for _ in range(options.rounds):
        bare_round = wrk("bare", options.seconds / options.rounds)
        module_round = wrk("module", options.seconds / options.rounds)
        round_ratios.append(module_round.rate("module page") / bare_round.rate("bare view"))
        bare.merge(bare_round)
        module.merge(module_round)
    learners = wrk("learners", options.seconds)
    measured = Measured(bare=bare, module=module, learners=learners, round_ratios=round_ratios)

    print(f"\n== {label}: the module page alone, taking turns with the baseline")
    print_table({**summary(bare), **summary(module)})
    print(
        f"module page / bare view: {measured.ratio:.2f}× (rounds: {', '.join(f'{r:.2f}' for r in round_ratios)}); "
        f"cache: {module.hit_rate()}"
    )
    print(f"== {label}: learners at their places, a third of them in the post-test, all at once")
    print_table(summary(learners))
    print(f"cache: {learners.hit_rate()}")
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="per scenario")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="the baseline and the module page take turns this many times, so drift in the "
        "machine's speed falls on both alike",
    )
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument(
        "--smoke", action="store_true", help=f"a quick run that checks the benchmark works, not the figures: {SMOKE}"
    )
    options = parser.parse_args()
    if options.smoke:
        vars(options).update(SMOKE)
    started = time.monotonic()
    for program in ("wrk", "redis-server"):
        if shutil.which(program) is None:
            sys.exit(f"bench.load needs {program}: apt-get install wrk redis-server (or make bench-load)")

    var_dir = Path(
        tempfile.mkdtemp(prefix="docere-load-", dir=BASE_DIR / "var" if (BASE_DIR / "var").exists() else None)
    )
    redis = PrivateRedis(var_dir)
    database = scratch_database_name()
    env = scratch_environment(var_dir, redis_url=redis.url, scratch_database=database)
    recreate_database(env, database)
    processes: list[subprocess.Popen] = []
    try:
        learners_file = var_dir / "learners.txt"
        write_learners_file(prepare(env, options.learners), learners_file)
        port = free_port()

        def wrk(mode: str, seconds: float) -> Run:
            return run_wrk(port, mode, learners_file, seconds, options.learners, var_dir / f"{mode}.tsv", redis)

        print(
            f"{options.learners} learners (one wrk connection each) over {len(DEMO_COURSES)} courses, "
            f"{options.seconds:.0f} s per scenario, gunicorn × {options.gunicorn_workers}, "
            f"{multiprocessing.cpu_count()} cores"
        )
        results: dict[str, Measured] = {}
        for label, settings_module in CACHE_SETTINGS.items():
            redis.client.flushdb()
            processes = start_stack({**env, "DJANGO_SETTINGS_MODULE": settings_module}, port, options.gunicorn_workers)
            try:
                results[label] = measure(label, wrk, options)
            finally:
                stop(processes)
                processes = []
        report(env, results, var_dir, options, started)
    finally:
        stop(processes)
        recreate_database(env, database, drop_only=True)
        redis.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def report(env: dict[str, str], results: dict[str, "Measured"], var_dir: Path, options, started: float) -> None:
    accepted: dict[int, int] = {}
    for measured in results.values():
        accepted.update(measured.learners.accepted_attempts)
    stored = answers_stored(env, accepted, var_dir)
    print("\n== Summary")
    for label, measured in results.items():
        p95 = ", ".join(f"{scenario} {row['p95']:.0f} ms" for scenario, row in summary(measured.learners).items())
        print(f"{label}: module page / bare view {measured.ratio:.2f}×; mixed p95: {p95}")
    sent = sum(accepted.values())
    lost = sum(max(0, count - stored.get(attempt, 0)) for attempt, count in accepted.items())
    print(
        f"answers accepted by the server: {sent} in {len(accepted)} attempts; "
        f"in the database: {sum(stored.values())}; lost: {lost}"
    )
    runs = [run for measured in results.values() for run in (measured.bare, measured.module, measured.learners)]
    socket_errors = sum(run.socket_errors for run in runs)
    http_errors = sum(sum(run.errors.values()) for run in runs)
    print(f"HTTP errors: {http_errors}; socket errors: {socket_errors}")
    failures = [
        missing for label, m in results.items() for missing in missing_figures(label, m.bare, m.module, m.learners)
    ]
    if http_errors or socket_errors:
        failures.append(f"{http_errors} HTTP errors and {socket_errors} socket errors")
    if lost:
        failures.append(f"{lost} accepted answers missing from the database")
    if failures:
        sys.exit("bench.load failed: " + "; ".join(failures))
    print(
        f"bench.load{' --smoke' if options.smoke else ''}: every figure produced, no errors, no lost answers, "
        f"in {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
