"""Times the administrators' reports and exports on the generated data set (10,000 learners,
60,000 enrollments, 100,000 attempts, 5,000 certificates) in PostgreSQL, with DEBUG off as
in production. Results go in docs/benchmarks.md, "## Reports".

    .venv/bin/python -m bench.generate_dataset     # once: creates docere_bench_reports
    .venv/bin/python -m bench.reports              # pages: median of 5 after a warm-up; every export
    .venv/bin/python -m bench.generate_dataset --drop

Each page is fetched through Django's test client, so a time covers the view, its queries
and the template, not the network. Memory: the attempts CSV is streamed in a fresh process
for about 10,000 rows and for all 100,000, and the process's peak RSS is compared.
"""

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.generate_dataset import BASE_DIR, DEFAULT_SERVER, SCRATCH_DATABASE, use_scratch_database

SCRATCH_VAR = BASE_DIR / "var" / "bench-reports"
TARGET_SECONDS = 1.0


def start_django(server: str) -> None:
    os.environ.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "testserver",
        "SITE_URL": "https://bench.example", "SECURE_SSL_REDIRECT": "0", "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING", "STATIC_ROOT": str(SCRATCH_VAR / "static"), "MEDIA_ROOT": str(SCRATCH_VAR / "media"),
    })
    use_scratch_database(server)


def signed_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    administrator, _ = User.objects.get_or_create(
        username="bench-admin@bench.example",
        defaults={"email": "bench-admin@bench.example", "is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(administrator)
    return client


def fetch(client, url: str, *, method: str = "get", data=None) -> tuple[float, int, int]:
    """(seconds, bytes, status) for one request, reading the whole body, streamed or not."""
    started = time.perf_counter()
    response = getattr(client, method)(url, data or {})
    size = sum(len(piece) for piece in response.streaming_content) if response.streaming else len(response.content)
    return time.perf_counter() - started, size, response.status_code


def count_queries(client, url: str) -> int:
    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        _, _, status = fetch(client, url)
    assert status == 200, (url, status)
    return len(executed)


def time_pages(client, repeat: int) -> list[dict]:
    from courses.models import Course

    course = Course.objects.order_by("slug").first().slug
    pages = [
        ("Overview, all time", "/reports/"),
        ("Overview, one quarter", "/reports/?date_from=2025-04-01&date_to=2025-06-30"),
        ("Item analysis, one course (first attempts)", f"/reports/courses/{course}/items/"),
        ("Item analysis, one course (all attempts)", f"/reports/courses/{course}/items/?attempts=all"),
        ("Evaluation summary, one course", f"/reports/courses/{course}/evaluation/"),
        ("PARS validation report, one course", f"/reports/pars/?course={course}"),
        ("Exports page", "/reports/exports/"),
    ]
    results = []
    for label, url in pages:
        queries = count_queries(client, url)  # also the warm-up: connection, templates, query plans
        seconds = [fetch(client, url)[0] for _ in range(repeat)]
        results.append({"page": label, "url": url, "queries": queries, "median": statistics.median(seconds),
                        "min": min(seconds), "max": max(seconds)})
        print(f"{label:48} {statistics.median(seconds) * 1000:6.0f} ms median, {min(seconds) * 1000:6.0f}–"
              f"{max(seconds) * 1000:.0f} ms  ({queries} queries)", flush=True)
    return results


def time_exports(client) -> list[dict]:
    from reports.exports import CSV_EXPORTS

    results = []
    for slug in CSV_EXPORTS:
        seconds, size, status = fetch(client, f"/reports/exports/{slug}.csv")
        assert status == 200, slug
        from reports.models import ExportLog

        rows = ExportLog.objects.order_by("-pk").values_list("row_count", flat=True).first()
        results.append({"export": slug, "rows": rows, "bytes": size, "seconds": seconds})
        print(f"CSV {slug:24} {rows:>9,} rows {size / 1e6:7.1f} MB {seconds:6.2f} s  "
              f"({rows / seconds:,.0f} rows/s)", flush=True)
    from courses.models import Course

    course = Course.objects.order_by("slug").first().slug
    for file_format in ("xlsx", "csv"):
        seconds, size, status = fetch(client, "/reports/pars/download/", method="post",
                                      data={"course": course, "file_format": file_format, "include_exported": "on"})
        assert status == 200, (file_format, status)
        results.append({"export": f"pars-{file_format}", "rows": None, "bytes": size, "seconds": seconds})
        print(f"PARS {file_format:23} one course {size / 1e3:9.0f} kB {seconds:6.2f} s", flush=True)
    return results


def rss_child(server: str, date_from: str, date_to: str) -> None:
    """Run in a fresh process: stream the attempts CSV and report peak RSS before and after."""
    start_django(server)
    client = signed_in_client()
    fetch(client, "/reports/exports/")  # load templates and URL resolvers before the baseline
    before = current_rss_kb()
    query = {key: value for key, value in (("date_from", date_from), ("date_to", date_to)) if value}
    response = client.get("/reports/exports/attempts.csv", query)
    rows = size = 0
    highest = before
    for number, piece in enumerate(response.streaming_content):
        size += len(piece)
        rows += piece.count(b"\n")
        if number % 20 == 0:
            highest = max(highest, current_rss_kb())
    highest = max(highest, current_rss_kb())
    print(json.dumps({"rows": rows - 1, "bytes": size, "rss_before_kb": before, "rss_streaming_peak_kb": highest,
                      "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def current_rss_kb() -> int:
    """The process's resident set now (VmRSS), sampled while streaming; ru_maxrss would only
    show the high-water mark, which Django's start-up may already have set."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure_rss(server: str) -> list[dict]:
    from django.db.models import Min

    from courses.models import Attempt

    ordered = Attempt.objects.order_by("started_at").values_list("started_at", flat=True)
    first = Attempt.objects.aggregate(first=Min("started_at"))["first"].date()
    tenth_thousand = ordered[9_999].date()
    results = []
    for date_from, date_to in ((first.isoformat(), tenth_thousand.isoformat()), ("", "")):
        output = subprocess.run(  # noqa: S603 — our own module, fixed arguments
            [sys.executable, "-m", "bench.reports", "--server", server, "--rss-child", date_from, date_to],
            check=True, capture_output=True, text=True, cwd=BASE_DIR,
        ).stdout.strip().splitlines()[-1]
        result = json.loads(output)
        results.append(result)
        print(f"attempts CSV {result['rows']:>9,} rows {result['bytes'] / 1e6:5.1f} MB: RSS while streaming "
              f"{result['rss_streaming_peak_kb'] / 1024:6.1f} MiB at most (before {result['rss_before_kb'] / 1024:.1f} "
              f"MiB; process high-water mark {result['ru_maxrss_kb'] / 1024:.1f} MiB)", flush=True)
    small, large = results
    growth = [(result["rss_streaming_peak_kb"] - result["rss_before_kb"]) / 1024 for result in results]
    print(f"rows ×{large['rows'] / small['rows']:.1f} → peak RSS while streaming "
          f"×{large['rss_streaming_peak_kb'] / small['rss_streaming_peak_kb']:.2f}; "
          f"growth over the baseline {growth[0]:.1f} MiB → {growth[1]:.1f} MiB")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default=DEFAULT_SERVER)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rss-child", nargs=2, metavar=("DATE_FROM", "DATE_TO"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.rss_child:
        rss_child(arguments.server, *arguments.rss_child)
        return
    start_django(arguments.server)
    from django.core.management import call_command
    from django.db import connection

    if not Path(SCRATCH_VAR / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    print(f"PostgreSQL {connection.cursor().connection.info.server_version}, database {SCRATCH_DATABASE}, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    client = signed_in_client()
    pages = time_pages(client, arguments.repeat)
    exports = time_exports(client)
    memory = measure_rss(arguments.server)
    slowest = max(pages, key=lambda page: page["median"])
    print(f"\nslowest page: {slowest['page']} {slowest['median'] * 1000:.0f} ms "
          f"({slowest['median'] / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:.0f} s target)")
    print(json.dumps({"pages": pages, "exports": exports, "memory": memory}, default=str))


if __name__ == "__main__":
    main()
