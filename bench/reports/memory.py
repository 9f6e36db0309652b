"""Memory while streaming the attempts CSV: a fresh process streams a tenth of the attempts
and then all of them, sampling its resident set, and the peaks are compared."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from bench.generate_dataset.scratch import BASE_DIR, SMOKE, DataSet
from bench.reports.environment import SESSION_VARIABLE, check, start_django
from bench.reports.signin import continued_session_client
from bench.reports.timing import fetch


def rss_child(server: str, data_set: DataSet, date_from: str, date_to: str) -> None:
    """Run in a fresh process: stream the attempts CSV and report peak RSS before and after."""
    start_django(server, data_set)
    client = continued_session_client()
    check(
        fetch(client, "/reports/exports/")[2] == 200, "the streaming process is not signed in"
    )  # load templates and URL resolvers before the baseline
    before = current_rss_kb()
    query = {key: value for key, value in (("date_from", date_from), ("date_to", date_to)) if value}
    response = client.get("/reports/exports/attempts.csv", query)
    check(response.status_code == 200, f"the attempts export answered {response.status_code}")
    rows = size = 0
    highest = before
    for number, piece in enumerate(response.streaming_content):
        size += len(piece)
        rows += piece.count(b"\n")
        if number % 20 == 0:
            highest = max(highest, current_rss_kb())
    highest = max(highest, current_rss_kb())
    print(
        json.dumps(
            {
                "rows": rows - 1,
                "bytes": size,
                "rss_before_kb": before,
                "rss_streaming_peak_kb": highest,
                "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


def current_rss_kb() -> int:
    """The process's resident set now (VmRSS), sampled while streaming; ru_maxrss would only
    show the high-water mark, which Django's start-up may already have set."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure_rss(server: str, data_set: DataSet, client) -> list[dict]:
    from django.conf import settings
    from django.db.models import Min

    from courses.models import Attempt

    ordered = Attempt.objects.order_by("started_at").values_list("started_at", flat=True)
    first = Attempt.objects.aggregate(first=Min("started_at"))["first"].date()
    tenth = ordered[ordered.count() // 10 - 1].date()  # the 10,000th of 100,000
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    results = []
    for date_from, date_to in ((first.isoformat(), tenth.isoformat()), ("", "")):
        arguments = ["--server", server, "--rss-child", date_from, date_to] + (["--smoke"] if data_set is SMOKE else [])
        child = subprocess.run(  # noqa: S603 — our own module, fixed arguments
            [sys.executable, "-m", "bench.reports", *arguments],
            capture_output=True,
            text=True,
            cwd=BASE_DIR,
            env={**os.environ, SESSION_VARIABLE: session},
        )
        check(child.returncode == 0, f"the streaming process failed:\n{child.stderr.strip()[-2000:]}")
        result = json.loads(child.stdout.strip().splitlines()[-1])
        check(result["rows"] > 0, f"the attempts export from {date_from or 'the start'} streamed no rows")
        results.append(result)
        print(
            f"attempts CSV {result['rows']:>9,} rows {result['bytes'] / 1e6:5.1f} MB: RSS while streaming "
            f"{result['rss_streaming_peak_kb'] / 1024:6.1f} MiB at most (before {result['rss_before_kb'] / 1024:.1f} "
            f"MiB; process high-water mark {result['ru_maxrss_kb'] / 1024:.1f} MiB)",
            flush=True,
        )
    small, large = results
    growth = [(result["rss_streaming_peak_kb"] - result["rss_before_kb"]) / 1024 for result in results]
    print(
        f"rows ×{large['rows'] / small['rows']:.1f} → peak RSS while streaming "
        f"×{large['rss_streaming_peak_kb'] / small['rss_streaming_peak_kb']:.2f}; "
        f"growth over the baseline {growth[0]:.1f} MiB → {growth[1]:.1f} MiB"
    )
    return results
