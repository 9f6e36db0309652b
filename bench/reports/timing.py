"""Timing the report pages (median of several fetches after a warm-up, with their query
counts) and every export (CSV rows per second, the PARS files)."""

import statistics
import time

from bench.reports.environment import check


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
    check(status == 200, f"{url} answered {status}")
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
        results.append(
            {
                "page": label,
                "url": url,
                "queries": queries,
                "median": statistics.median(seconds),
                "min": min(seconds),
                "max": max(seconds),
            }
        )
        print(
            f"{label:48} {statistics.median(seconds) * 1000:6.0f} ms median, {min(seconds) * 1000:6.0f}–"
            f"{max(seconds) * 1000:.0f} ms  ({queries} queries)",
            flush=True,
        )
    return results


def time_exports(client) -> list[dict]:
    from reports.exports import CSV_EXPORTS
    from reports.models import ExportLog

    results = []
    for slug in CSV_EXPORTS:
        logged_before = ExportLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        seconds, size, status = fetch(client, f"/reports/exports/{slug}.csv")
        check(status == 200, f"the {slug} export answered {status}")
        rows = (
            ExportLog.objects.filter(pk__gt=logged_before).order_by("-pk").values_list("row_count", flat=True).first()
        )
        check(rows is not None and size > 0, f"the {slug} export logged no row count or sent nothing")
        results.append({"export": slug, "rows": rows, "bytes": size, "seconds": seconds})
        print(
            f"CSV {slug:24} {rows:>9,} rows {size / 1e6:7.1f} MB {seconds:6.2f} s  ({rows / seconds:,.0f} rows/s)",
            flush=True,
        )
    from courses.models import Course

    course = Course.objects.order_by("slug").first().slug
    for file_format in ("xlsx", "tab"):
        seconds, size, status = fetch(
            client,
            "/reports/pars/download/",
            method="post",
            data={"course": course, "file_format": file_format, "include_exported": "on"},
        )
        check(status == 200 and size > 0, f"the PARS {file_format} file answered {status} with {size} bytes")
        results.append({"export": f"pars-{file_format}", "rows": None, "bytes": size, "seconds": seconds})
        print(f"PARS {file_format:23} one course {size / 1e3:9.0f} kB {seconds:6.2f} s", flush=True)
    return results
