"""Certificate rendering: bare WeasyPrint against the full pipeline, a batch through real
workers, and claim → ready latency on an idle worker. Results go in docs/benchmarks.md.

    .venv/bin/python -m bench.certificates                # SQLite + filesystem broker (`make run`'s defaults)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.certificates            # PostgreSQL + Redis
    .venv/bin/python -m bench.certificates --count 200    # a quicker batch
    .venv/bin/python -m bench.certificates --smoke        # CI: a few dozen certificates, every step once

Nothing it uses is shared: a scratch VAR_DIR under var/ (SQLite database, broker folders,
stored PDFs), a `docere_bench` database on the configured PostgreSQL server (never the
configured database itself) and an empty Redis database index on the configured Redis
server. All of it is removed at the end. Every process runs with DEBUG off, as in production.
It exits non-zero when a certificate fails or a figure is missing; --smoke checks only that.
"""

import argparse
import multiprocessing
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from badges.keygen import ensure_key_file

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "docere_bench"
WORKER_CONCURRENCY = 2
SAMPLE_EVERY_SECONDS = 0.2


# --- Scratch space ------------------------------------------------------------------------


@dataclass
class Scratch:
    var_dir: Path
    postgres_url: str = ""  # the configured server; the scratch database is made beside it
    redis_url: str = ""  # the scratch database index on the configured server

    @property
    def backend(self) -> str:
        database = f"PostgreSQL (scratch database {SCRATCH_DATABASE})" if self.postgres_url else "SQLite (WAL)"
        broker = (f"Redis (scratch db {urlsplit(self.redis_url).path.lstrip('/')})" if self.redis_url
                  else "filesystem broker")
        return f"{database} + {broker}"


def postgres_admin_connection(database_url: str):
    import environ
    import psycopg

    config = environ.Env.db_url_config(database_url)
    return psycopg.connect(host=config["HOST"] or None, port=config["PORT"] or None, user=config["USER"] or None,
                           password=config["PASSWORD"] or None, dbname="postgres", autocommit=True)


def recreate_scratch_database(database_url: str, *, create: bool) -> None:
    from psycopg import sql

    with postgres_admin_connection(database_url) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH_DATABASE)))
        if create:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SCRATCH_DATABASE)))


def prepare_scratch(*, redis_db: int) -> Scratch:
    """Point this process, and the workers it starts, at scratch space. The environment is the
    way in: lms/env.py reads it once, when Django starts, which happens after this."""
    import redis

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset, for SQLite).")
    (BASE_DIR / "var").mkdir(exist_ok=True)
    scratch = Scratch(var_dir=Path(tempfile.mkdtemp(prefix="bench-", dir=BASE_DIR / "var")))
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "lms.settings",
        "VAR_DIR": str(scratch.var_dir),
        "MEDIA_ROOT": str(scratch.var_dir / "media"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        # Production (DEBUG off) signs credentials only with a key file it is given.
        "OPEN_BADGES_SIGNING_KEY_FILES": str(scratch.var_dir / "keys" / "open-badges.pem"),
    })
    ensure_key_file(Path(os.environ["OPEN_BADGES_SIGNING_KEY_FILES"]))
    if redis_url:
        scratch.redis_url = urlsplit(redis_url)._replace(path=f"/{redis_db}").geturl()
        if redis.Redis.from_url(scratch.redis_url).dbsize():
            shutil.rmtree(scratch.var_dir)
            raise SystemExit(f"Redis database {redis_db} is not empty; pick an unused one with --redis-db.")
        os.environ["REDIS_URL"] = scratch.redis_url
    if database_url:
        scratch.postgres_url = database_url
        recreate_scratch_database(database_url, create=True)
        os.environ["DATABASE_URL"] = urlsplit(database_url)._replace(path=f"/{SCRATCH_DATABASE}").geturl()
    return scratch


def remove_scratch(scratch: Scratch) -> None:
    import redis
    from django.db import connections

    connections.close_all()
    if scratch.postgres_url:
        recreate_scratch_database(scratch.postgres_url, create=False)
    if scratch.redis_url:
        redis.Redis.from_url(scratch.redis_url).flushdb()  # checked empty at the start: everything in it is ours
    shutil.rmtree(scratch.var_dir, ignore_errors=True)


# --- Rows --------------------------------------------------------------------------------


def make_course():
    from courses.models import Course, CourseStatus

    return Course.objects.create(
        slug="bench-feedback-on-rounds", title="Giving feedback that lands on busy clinical rotations",
        summary="Short, specific feedback at the bedside.", credits_max=Decimal("1.75"), status=CourseStatus.PUBLISHED,
        provider_name="Lakeside School of Medicine, Office of Continuing Medical Education",
    )


def make_completed_enrollments(count: int, *, course, tag: str) -> list:
    """Physicians with a complete CME profile who have completed the course, in bulk."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Profile
    from courses.models import Enrollment

    user_model = get_user_model()
    unusable = make_password(None)  # nobody signs in as these learners
    now = timezone.now()
    users = user_model.objects.bulk_create([
        user_model(username=f"{tag}-{number}@bench.invalid", email=f"{tag}-{number}@bench.invalid",
                   password=unusable)
        for number in range(count)
    ])
    Profile.objects.bulk_create([
        Profile(user=user, first_name="Morgan", last_name=f"Achterberg-{number}",
                certificate_name=f"Morgan Achterberg-{number}, MD", credentials="MD", profession="physician")
        for number, user in enumerate(users)
    ])
    enrollments = Enrollment.objects.bulk_create([
        Enrollment(user=user, course=course, disclosures_acknowledged_at=now, post_test_passed_at=now,
                   evaluation_submitted_at=now, completed_at=now)
        for user in users
    ])
    for enrollment, user in zip(enrollments, users, strict=True):
        enrollment.user = user
    return enrollments


def make_pending_certificates(count: int, *, course, tag: str) -> list[int]:
    """Certificates as a claim leaves them (pending, snapshot frozen), made in bulk so that
    no render is queued yet: the benchmark queues them itself, all at once."""
    from django.utils import timezone

    from certificates.models import Certificate, CreditClaim, CreditType

    now = timezone.now()
    enrollments = make_completed_enrollments(count, course=course, tag=tag)
    claims = CreditClaim.objects.bulk_create([
        CreditClaim(enrollment=enrollment, credit_type=CreditType.AMA_PRA_CATEGORY_1, credits_claimed=Decimal("1.75"),
                    attested_at=now, claimed_at=now)
        for enrollment in enrollments
    ])
    certificates = Certificate.objects.bulk_create([
        Certificate(
            claim=claim, enrollment=enrollment, user_id=enrollment.user_id, course=course,
            learner_name=f"Morgan Achterberg-{number}, MD", learner_credentials="MD", course_title=course.title,
            activity_format=course.get_activity_format_display(), provider_name=course.provider_name,
            accreditation_statement=course.accreditation_statement_text,
            designation_statement=course.designation_statement_text, credit_type=CreditType.AMA_PRA_CATEGORY_1,
            credits=Decimal("1.75"), completion_date=now.date(),
        )
        for number, (claim, enrollment) in enumerate(zip(claims, enrollments, strict=True))
    ])
    return [certificate.pk for certificate in certificates]


def count_with_status(ids: list[int], status: str) -> int:
    from certificates.models import Certificate

    return Certificate.objects.filter(pk__gte=min(ids), pk__lte=max(ids), status=status).count()


# --- 1. One process: bare WeasyPrint against the pipeline ------------------------------------


def bare_documents(ids: list[int]) -> list[str]:
    """The pipeline's own HTML for each certificate, with the certificate stylesheet inlined,
    so that bare WeasyPrint lays out exactly the same document."""
    from django.contrib.staticfiles import finders

    from certificates.models import Certificate
    from certificates.rendering import certificate_html

    css = Path(finders.find("certificates/certificate.css")).read_text()
    certificates = Certificate.objects.filter(pk__in=ids).order_by("pk")
    return [certificate_html(certificate).replace("</head>", f"<style>{css}</style>\n</head>")
            for certificate in certificates]


def render_bare(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # fresh default options: no PDF/A, no tags, nothing cached


def render_bare_batch(documents: list[str]) -> int:
    for html in documents:
        render_bare(html)
    return len(documents)


@dataclass
class Comparison:
    count: int
    bare_seconds: float = 0.0
    pipeline_seconds: float = 0.0
    bare_cpu_seconds: float = 0.0
    pipeline_cpu_seconds: float = 0.0
    plain_cpu_seconds: float = 0.0
    archival_cpu_seconds: float = 0.0
    unstyled_cpu_seconds: float = 0.0  # per certificate
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def bare_rate(self) -> float:
        return self.count / self.bare_seconds

    @property
    def pipeline_rate(self) -> float:
        return self.count / self.pipeline_seconds


def compare_bare_and_pipeline(*, course, count: int, rounds: int) -> Comparison:
    """Interleaved rounds, alternating which goes first, so a neighbour's load falls on both alike."""
    from certificates import rendering, services
    from certificates.models import Certificate, CertificateStatus
    from certificates.tasks import render_certificate

    warm_up, *ids = make_pending_certificates(count + 1, course=course, tag="compare")
    documents = bare_documents(ids)
    render_bare(documents[0])
    render_certificate.apply(args=[warm_up], throw=True)  # fonts, the cached stylesheet, imports

    result = Comparison(count=count)
    size = -(-count // rounds)
    for round_number in range(rounds):
        chunk = slice(round_number * size, (round_number + 1) * size)

        def bare(chunk=chunk):
            started, cpu_started = time.perf_counter(), time.process_time()
            render_bare_batch(documents[chunk])
            result.bare_seconds += time.perf_counter() - started
            result.bare_cpu_seconds += time.process_time() - cpu_started

        def pipeline(chunk=chunk):
            started, cpu_started = time.perf_counter(), time.process_time()
            for certificate_id in ids[chunk]:
                render_certificate.apply(args=[certificate_id], throw=True)  # the task body, in this process
            result.pipeline_seconds += time.perf_counter() - started
            result.pipeline_cpu_seconds += time.process_time() - cpu_started

        for step in (bare, pipeline) if round_number % 2 == 0 else (pipeline, bare):
            step()
    ready = count_with_status(ids, CertificateStatus.READY)
    if ready != count:
        raise SystemExit(f"Only {ready} of {count} certificates rendered in process; see last_error on the rows.")

    # PDF/A-3b + tags against a plain PDF, on the same HTML through the same cached stylesheet;
    # pure computation in this process, so CPU time, which a busy neighbour disturbs least.
    html = rendering.certificate_html(Certificate.objects.get(pk=ids[0]))
    for number in range(count):
        variants = [("archival", {}), ("plain", {"pdf_variant": None, "pdf_tags": False})]
        for name, options in variants if number % 2 == 0 else reversed(variants):
            started = time.process_time()
            rendering.html_to_pdf(html, **options)
            setattr(result, f"{name}_cpu_seconds", getattr(result, f"{name}_cpu_seconds") + time.process_time() - started)

    # For reference only: the template's HTML without the certificate stylesheet. It lays out
    # an unstyled page (no landscape sheet, no flex boxes, no absolute footer): not the same document.
    unstyled = [rendering.certificate_html(certificate) for certificate in Certificate.objects.filter(pk__in=ids[:20])]
    started = time.process_time()
    for html in unstyled:
        render_bare(html)
    result.unstyled_cpu_seconds = (time.process_time() - started) / len(unstyled)

    # Where one render's time goes: the task body's steps, timed one after another on fresh rows.
    steps = {"take the row (lock, status, event)": 0.0, "template + QR code": 0.0, "PDF (PDF/A-3b + tags)": 0.0,
             "store (write + fsync + rename)": 0.0, "mark ready (lock, row, event, queue the email)": 0.0}
    sample = make_pending_certificates(min(20, count), course=course, tag="steps")
    for certificate_id in sample:
        started = time.perf_counter()
        certificate = services.certificate_mark_rendering(certificate_id=certificate_id, generation=1, task_id="bench")
        taken = time.perf_counter()
        html = rendering.certificate_html(certificate)
        templated = time.perf_counter()
        pdf = rendering.html_to_pdf(html)
        converted = time.perf_counter()
        stored = rendering.store_pdf(code=certificate.code, generation=1, pdf=pdf)
        written = time.perf_counter()
        services.certificate_mark_ready(certificate_id=certificate_id, generation=1, task_id="bench",
                                        path=stored.path, size=stored.size, sha256=stored.sha256)
        finished = time.perf_counter()
        for step, seconds in zip(steps, (taken - started, templated - taken, converted - templated,
                                         written - converted, finished - written), strict=True):
            steps[step] += seconds
    result.stages = {step: seconds / len(sample) for step, seconds in steps.items()}
    return result


def bare_rate_on_all_cores(*, course, count: int, tag: str) -> float:
    """Bare WeasyPrint in as many processes as the worker has children: the floor for a batch."""
    from django.db import connections

    documents = bare_documents(make_pending_certificates(count, course=course, tag=tag))
    connections.close_all()  # no database connection may cross the fork
    with multiprocessing.get_context("fork").Pool(WORKER_CONCURRENCY) as pool:
        pool.map(render_bare, documents[:WORKER_CONCURRENCY])  # warm each process
        started = time.perf_counter()
        rendered = sum(pool.map(render_bare_batch, [documents[n::WORKER_CONCURRENCY] for n in range(WORKER_CONCURRENCY)]))
        return rendered / (time.perf_counter() - started)


# --- 2. A batch through a real worker ----------------------------------------------------------


def cpu_seconds(pid: int, *, with_reaped_children: bool = False) -> float:
    """User + system CPU time of a process (and of the children it has reaped), from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, all CPUs together, from /proc/stat."""
    user, nice, system, idle, iowait, irq, softirq, steal = (
        int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / ticks, (idle + iowait) / ticks


def resident_kib(pid: int, key: str = "VmRSS") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        return None  # the process has just exited
    return None


@dataclass
class Worker:
    process: subprocess.Popen

    @classmethod
    def start(cls, log_path: Path) -> "Worker":
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 — a fixed command line, no outside input
                [sys.executable, "-m", "celery", "-A", "lms", "worker", "--pool=prefork",
                 f"--concurrency={WORKER_CONCURRENCY}", "--loglevel=WARNING", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "--hostname=bench@%h"],
                cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        return cls(process)

    def children(self) -> list[int]:
        """The pool's child processes, which run the tasks (they are replaced after max-tasks-per-child)."""
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    children.append(int(entry.name))
        return sorted(children)

    def pause(self) -> None:
        """Stop the idle worker's processes (its polling loop included) while a baseline runs."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def cpu_seconds(self) -> float:
        """CPU used by the whole worker so far: main process, live pool children, replaced ones."""
        return (cpu_seconds(self.process.pid, with_reaped_children=True)
                + sum(cpu_seconds(pid) for pid in self.children()))

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGCONT)  # in case it was paused
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left of its process group
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)


def wait_until(predicate, *, timeout: float, every: float = 0.05, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out waiting for {what}.")
        time.sleep(every)


@dataclass
class Batch:
    ids: list[int]
    count: int
    queue_seconds: float
    seconds: float
    worker_cpu_seconds: float
    machine_busy_seconds: float
    machine_idle_seconds: float
    in_task_seconds: float  # summed over certificates: from taking the row to marking it ready
    failed: int
    edge: int  # how many certificates "the first" and "the last" are (100, or a quarter of a small batch)
    # pid → (peak RSS while the first `edge` rendered, while the last `edge` rendered, overall) in KiB
    memory: dict[int, tuple[int | None, int | None, int]]

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def run_batch(*, worker: Worker, course, count: int) -> Batch:
    from certificates.models import CertificateEvent, CertificateEventKind, CertificateStatus
    from certificates.services import queue_render

    warm_up = make_pending_certificates(2 * WORKER_CONCURRENCY, course=course, tag="warm")
    for certificate_id in warm_up:
        queue_render(certificate_id, 1)
    wait_until(lambda: count_with_status(warm_up, CertificateStatus.READY) == len(warm_up), timeout=180,
               what="the worker to render its warm-up certificates")

    ids = make_pending_certificates(count, course=course, tag="batch")
    edge = min(100, count // 4)
    samples: list[tuple[int, dict[int, int]]] = []
    cpu_started = worker.cpu_seconds()
    busy_started, idle_started = machine_cpu_seconds()
    started = time.perf_counter()
    for certificate_id in ids:
        queue_render(certificate_id, 1)  # what each claim does on commit
    queue_seconds = time.perf_counter() - started
    while True:
        ready = count_with_status(ids, CertificateStatus.READY)
        failed = count_with_status(ids, CertificateStatus.FAILED)
        samples.append((ready, {pid: rss for pid in worker.children() if (rss := resident_kib(pid))}))
        if ready + failed == count:
            break
        if time.perf_counter() - started > max(300, count):
            raise SystemExit(f"Batch stalled: {ready} ready, {failed} failed of {count}.")
        time.sleep(SAMPLE_EVERY_SECONDS)
    seconds = time.perf_counter() - started
    worker_cpu = worker.cpu_seconds() - cpu_started
    busy, idle = machine_cpu_seconds()

    batch_events = CertificateEvent.objects.filter(certificate_id__gte=min(ids), certificate_id__lte=max(ids))
    taken = dict(batch_events.filter(kind=CertificateEventKind.RENDERING).values_list("certificate_id", "at"))
    rendered = batch_events.filter(kind=CertificateEventKind.RENDERED).values_list("certificate_id", "at")
    in_task = sum((at - taken[certificate_id]).total_seconds() for certificate_id, at in rendered)

    memory = {}
    for pid in sorted({pid for _, rss in samples for pid in rss}):
        first = [rss[pid] for ready, rss in samples if ready <= edge and pid in rss]
        last = [rss[pid] for ready, rss in samples if ready >= count - edge and pid in rss]
        overall = [rss[pid] for _, rss in samples if pid in rss]
        memory[pid] = (max(first, default=None), max(last, default=None), max(overall))
    return Batch(ids=ids, count=count, queue_seconds=queue_seconds, seconds=seconds, worker_cpu_seconds=worker_cpu,
                 machine_busy_seconds=busy - busy_started, machine_idle_seconds=idle - idle_started,
                 in_task_seconds=in_task, failed=failed, edge=edge, memory=memory)


# --- 3. Claim → ready on an idle worker ------------------------------------------------------


def wait_for_emails(*, batch_ids: list[int]) -> None:
    """Each ready certificate queued its email behind the rest of the batch; let them all go
    out, so the claims below meet an idle worker and an empty queue."""
    from certificates.models import CertificateEvent, CertificateEventKind

    def all_sent() -> bool:
        return CertificateEvent.objects.filter(certificate_id__gte=min(batch_ids), certificate_id__lte=max(batch_ids),
                                               kind=CertificateEventKind.EMAILED).count() >= len(batch_ids)

    wait_until(all_sent, timeout=max(300, len(batch_ids)), every=0.5, what="the batch's emails")


def claim_to_ready_latencies(*, course, count: int) -> list[float]:
    from certificates import services
    from certificates.models import Certificate, CertificateEvent, CertificateEventKind, CertificateStatus

    latencies = []
    for enrollment in make_completed_enrollments(count, course=course, tag="claim"):
        started = time.perf_counter()
        certificate = services.credit_claim_create(enrollment=enrollment, user=enrollment.user,
                                                   credits=Decimal("1.75"), attested=True)
        wait_until(lambda certificate=certificate: Certificate.objects.filter(
            pk=certificate.pk, status=CertificateStatus.READY).exists(), timeout=60, every=0.005,
            what=f"certificate {certificate.code}")
        latencies.append(time.perf_counter() - started)
        # Let the "ready" email go out, so the next claim meets an idle worker.
        wait_until(lambda certificate=certificate: CertificateEvent.objects.filter(
            certificate=certificate, kind=CertificateEventKind.EMAILED).exists(), timeout=30,
            what="the ready email")
    return latencies


# --- Report --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def mib(kib: int | None) -> str:
    return "—" if kib is None else f"{kib / 1024:.0f} MiB"


def report_comparison(comparison: Comparison, *, rounds: int) -> None:
    count = comparison.count
    print(f"\n1. One process, {count} certificates each, {rounds} interleaved rounds")
    print(f"   bare WeasyPrint, HTML(string).write_pdf()     {comparison.bare_rate:6.2f} certificates/s   1.00×")
    print(f"   pipeline: row → task → stored PDF → ready      {comparison.pipeline_rate:6.2f} certificates/s   "
          f"{comparison.pipeline_rate / comparison.bare_rate:.2f}×  (target ≥ 0.90×)")
    print(f"   CPU time per certificate (this process only): bare {comparison.bare_cpu_seconds / count * 1000:.0f} ms, "
          f"pipeline {comparison.pipeline_cpu_seconds / count * 1000:.0f} ms: "
          f"{comparison.bare_cpu_seconds / comparison.pipeline_cpu_seconds:.2f}× the bare rate")
    plain, archival = comparison.plain_cpu_seconds / count, comparison.archival_cpu_seconds / count
    print(f"   plain PDF {plain * 1000:.0f} ms, PDF/A-3b + tags {archival * 1000:.0f} ms CPU per certificate "
          f"(same HTML): {archival / plain:.2f}× plain")
    print(f"   for reference, bare WeasyPrint on the template's HTML without the stylesheet (unstyled, not the "
          f"same document): {comparison.unstyled_cpu_seconds * 1000:.0f} ms CPU per certificate")
    print("   one render, step by step (wall time, the task body's own calls):")
    for stage, seconds in comparison.stages.items():
        print(f"     {stage:55s} {seconds * 1000:6.1f} ms")


def report_batch(batch: Batch, *, comparison: Comparison, parallel_rates: tuple[float, float]) -> None:
    parallel_rate = statistics.mean(parallel_rates)
    capacity = batch.machine_busy_seconds + batch.machine_idle_seconds
    print(f"\n2. {batch.count} certificates through one worker, --concurrency={WORKER_CONCURRENCY} (prefork)")
    print(f"   bare WeasyPrint in {WORKER_CONCURRENCY} processes  {parallel_rate:6.2f} certificates/s   1.00×  "
          f"→ {batch.count / parallel_rate:5.1f} s for {batch.count} (before {parallel_rates[0]:.2f}/s, "
          f"after {parallel_rates[1]:.2f}/s)")
    print(f"   pipeline, queue all → all ready    {batch.rate:6.2f} certificates/s   "
          f"{batch.rate / parallel_rate:.2f}×  → {batch.seconds:5.1f} s (target ≤ 45 s for 1000); "
          f"queueing took {batch.queue_seconds:.2f} s; {batch.failed} failed")
    print(f"   worker CPU {batch.worker_cpu_seconds / batch.count * 1000:.0f} ms per certificate "
          f"(bare, one process: {comparison.bare_cpu_seconds / comparison.count * 1000:.0f} ms); "
          f"with both CPUs to itself that is {batch.worker_cpu_seconds / WORKER_CONCURRENCY:.0f} s for {batch.count}")
    print(f"   machine CPU during the batch: worker {batch.worker_cpu_seconds / capacity:.0%}, "
          f"everything else {(batch.machine_busy_seconds - batch.worker_cpu_seconds) / capacity:.0%}, "
          f"idle {batch.machine_idle_seconds / capacity:.0%}")
    print(f"   pool children inside a render task {batch.in_task_seconds / (batch.seconds * WORKER_CONCURRENCY):.0%} "
          f"of the time, waiting for the next message the rest")
    print(f"   RSS per pool child: peak during the first {batch.edge} / the last {batch.edge} / overall")
    for pid, (first, last, overall) in batch.memory.items():
        print(f"     pid {pid}: {mib(first)} / {mib(last)} / {mib(overall)}")


def report_latencies(latencies: list[float]) -> None:
    print(f"\n3. Claim → ready on an idle worker, {len(latencies)} sequential claims")
    print(f"   p50 {percentile(latencies, 0.5) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms; mean {statistics.mean(latencies) * 1000:.0f} ms")
    print(f"   each, in order (ms): {' '.join(f'{latency * 1000:.0f}' for latency in latencies)}")


# --smoke: every part runs, on as few certificates as still give each figure a value.
SMOKE = {"count": 24, "compare_count": 6, "rounds": 1, "claims": 3, "parallel_count": 2 * WORKER_CONCURRENCY}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates in the worker batch (default 1000)")
    parser.add_argument("--compare-count", type=int, default=100,
                        help="certificates per side in the single-process comparison (default 100)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds in the comparison (default 5)")
    parser.add_argument("--claims", type=int, default=30, help="sequential claims for the latency (default 30)")
    parser.add_argument("--parallel-count", type=int, default=None,
                        help="certificates in each bare two-process baseline (default: the larger of 40 and "
                             "--compare-count)")
    parser.add_argument("--redis-db", type=int, default=15, help="scratch Redis database index, must be empty (15)")
    parser.add_argument("--smoke", action="store_true",
                        help=f"a quick run that checks the benchmark works, not the figures: {SMOKE}")
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    if args.parallel_count is None:
        args.parallel_count = max(40, args.compare_count)
    started = time.perf_counter()

    scratch = prepare_scratch(redis_db=args.redis_db)
    worker = None
    try:
        import django

        django.setup()
        import weasyprint
        from django.core.management import call_command

        from lms.celery import app as celery_app
        from lms.celery import ensure_broker_folders

        call_command("migrate", verbosity=0, interactive=False)
        ensure_broker_folders()
        course = make_course()
        load_before = os.getloadavg()
        print(f"Certificates benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        print(f"  {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
              f"WeasyPrint {weasyprint.__version__}; {scratch.backend}")
        print(f"  load average before: {load_before[0]:.2f} (1 min), {load_before[1]:.2f} (5 min)")

        comparison = compare_bare_and_pipeline(course=course, count=args.compare_count, rounds=args.rounds)
        report_comparison(comparison, rounds=args.rounds)

        # The floor for the batch, measured just before and just after it, so that a neighbour's
        # load that comes or goes during the run weighs on both sides alike.
        parallel_before = bare_rate_on_all_cores(course=course, count=args.parallel_count, tag="before")
        celery_app.control.purge()  # the in-process renders queued their "ready" emails
        worker = Worker.start(scratch.var_dir / "worker.log")
        batch = run_batch(worker=worker, course=course, count=args.count)
        wait_for_emails(batch_ids=batch.ids)
        worker.pause()
        parallel_after = bare_rate_on_all_cores(course=course, count=args.parallel_count, tag="after")
        worker.resume()
        report_batch(batch, comparison=comparison, parallel_rates=(parallel_before, parallel_after))
        if batch.failed:
            raise SystemExit(f"bench.certificates failed: {batch.failed} of {batch.count} certificates failed to "
                             f"render; see last_error on their rows.")

        latencies = claim_to_ready_latencies(course=course, count=args.claims)
        report_latencies(latencies)
        load_after = os.getloadavg()
        print(f"\n  load average after: {load_after[0]:.2f} (1 min), {load_after[1]:.2f} (5 min)")
        if len(latencies) != args.claims or not batch.memory:
            raise SystemExit("bench.certificates failed: a claim's latency or the workers' memory was not measured.")
        print(f"bench.certificates{' --smoke' if args.smoke else ''}: every figure produced in "
              f"{time.perf_counter() - started:.0f} s")
    finally:
        if worker is not None:
            worker.stop()
        remove_scratch(scratch)


if __name__ == "__main__":
    main()
