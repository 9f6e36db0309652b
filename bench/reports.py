"""Times the administrators' reports and exports on the generated data set (10,000 learners,
60,000 enrollments, 100,000 attempts, 5,000 certificates) in PostgreSQL, with DEBUG off as
in production. Results go in docs/benchmarks.md, "## Reports".

    .venv/bin/python -m bench.generate_dataset     # once: creates docere_bench_reports
    .venv/bin/python -m bench.reports              # pages: median of 5 after a warm-up; every export
    .venv/bin/python -m bench.generate_dataset --drop
    .venv/bin/python -m bench.reports --smoke          # CI: builds 200 learners, one fetch each, drops them

Each page is fetched through Django's test client, so a time covers the view, its queries
and the template, not the network. Memory: the attempts CSV is streamed in a fresh process
for a tenth of the attempts (about 10,000 rows) and for all of them, and the process's
peak RSS is compared.

The administrator signs in as a real one does: the reports open only to staff with a
second factor, so each run enrols a fresh TOTP authenticator through allauth's pages and
then signs in with the password and a code. The run exits non-zero if any page or export
fails or a figure is missing; with --smoke it checks only that, not the figures' size.
"""

import argparse
import json
import os
import re
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

from badges.keygen import ensure_key_file
from bench.generate_dataset import BASE_DIR, FULL, SMOKE, DataSet, create, default_server, drop, use_scratch_database

TARGET_SECONDS = 1.0
ADMINISTRATOR_EMAIL = "bench-admin@bench.example"
# The child process that streams an export continues the parent's signed-in session, as a
# second tab would: a TOTP code signs in only once (allauth refuses a code used before).
SESSION_VARIABLE = "BENCH_REPORTS_SESSION"


def check(condition: bool, failure: str) -> None:
    """A benchmark that could not produce a figure fails loudly, so CI notices the day it breaks."""
    if not condition:
        raise SystemExit(f"bench.reports failed: {failure}")


def prepare_environment(data_set: DataSet) -> None:
    """Production-like settings for the Django that use_scratch_database starts."""
    # Sessions are signed with the key: the streaming child keeps its parent's, whose session it continues.
    secret_key = os.environ["SECRET_KEY"] if SESSION_VARIABLE in os.environ else secrets.token_urlsafe(50)
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "https://bench.example",
            "SECURE_SSL_REDIRECT": "0",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(data_set.var_dir / "static"),
            "MEDIA_ROOT": str(data_set.var_dir / "media"),
            # Production (DEBUG off) signs credentials only with a key file it is given.
            "OPEN_BADGES_SIGNING_KEY_FILES": str(data_set.var_dir / "keys" / "open-badges.pem"),
        }
    )
    ensure_key_file(Path(os.environ["OPEN_BADGES_SIGNING_KEY_FILES"]))


def start_django(server: str, data_set: DataSet) -> None:
    prepare_environment(data_set)
    use_scratch_database(server, data_set)


def fresh_totp_code(secret: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).now()


def post_code(client, url: str, secret: str):
    """A code typed a moment before its 30 s window closed can arrive in the next one; a person
    then types the new code, and so does this."""
    response = client.post(url, {"code": fresh_totp_code(secret)})
    if response.status_code == 200:  # the form again, with "incorrect code"
        time.sleep(1)
        response = client.post(url, {"code": fresh_totp_code(secret)})
    return response


def administrator_with_password():
    """The benchmark's superuser, with a verified email (allauth signs in no one without)
    and a new password; any authenticator of an earlier run goes, since its secret went
    with that run."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(24)
    administrator, _ = get_user_model().objects.get_or_create(
        username=ADMINISTRATOR_EMAIL, defaults={"email": ADMINISTRATOR_EMAIL, "is_staff": True, "is_superuser": True}
    )
    administrator.set_password(password)
    administrator.save()
    EmailAddress.objects.update_or_create(
        user=administrator, email=ADMINISTRATOR_EMAIL, defaults={"verified": True, "primary": True}
    )
    Authenticator.objects.filter(user=administrator).delete()
    return password


def enrol_totp(password: str) -> str:
    """The administrator's first visit: password, sent from the reports to TOTP enrolment,
    the secret read from the page as an authenticator app would scan it, a code to confirm."""
    from django.test import Client
    from django.urls import reverse

    browser = Client()
    response = browser.post(reverse("account_login"), {"login": ADMINISTRATOR_EMAIL, "password": password})
    check(response.status_code == 302, f"signing in with the password answered {response.status_code}")
    response = browser.get("/reports/")
    check(
        response.status_code == 302 and response.url == reverse("mfa_activate_totp"),
        f"the reports did not send an administrator without a second factor to enrolment: {response.status_code}",
    )
    page = browser.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page.url.startswith(reverse("account_reauthenticate")):
        browser.post(page.url, {"password": password})  # allauth asks again before a security change
        page = browser.get(reverse("mfa_activate_totp"))
    found = re.search(rb'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content)
    check(page.status_code == 200 and found is not None, f"no TOTP secret on the enrolment page ({page.status_code})")
    secret = found.group(1).decode()
    response = post_code(browser, reverse("mfa_activate_totp"), secret)
    check(response.status_code == 302, f"the enrolment refused its code ({response.status_code})")
    return secret


def signed_in_client():
    """A new browser of the enrolled administrator: password, then a code from the authenticator."""
    from django.test import Client
    from django.urls import reverse

    password = administrator_with_password()
    secret = enrol_totp(password)
    client = Client()
    response = client.post(reverse("account_login"), {"login": ADMINISTRATOR_EMAIL, "password": password})
    check(
        response.status_code == 302 and response.url == reverse("mfa_authenticate"),
        f"the password alone should lead to the code step, not {response.status_code} {response.get('Location')}",
    )
    response = post_code(client, reverse("mfa_authenticate"), secret)
    check(response.status_code == 302, f"the sign-in code was refused ({response.status_code})")
    return client


def continued_session_client():
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = os.environ[SESSION_VARIABLE]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--server", default=default_server(), help="PostgreSQL server URL; a database name in it is ignored"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"build the small data set in {SMOKE.database}, fetch everything once, drop it",
    )
    parser.add_argument("--rss-child", nargs=2, metavar=("DATE_FROM", "DATE_TO"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    data_set = SMOKE if arguments.smoke else FULL
    try:
        import pyotp  # noqa: F401 — checked first, before minutes of work
    except ImportError:
        raise SystemExit(
            "bench.reports plays the administrator's authenticator app with PyOTP, a test tool: "
            ".venv/bin/pip install --require-hashes -r requirements-dev.txt (make test does it)"
        ) from None
    if arguments.rss_child:
        rss_child(arguments.server, data_set, *arguments.rss_child)
        return
    started = time.perf_counter()
    if arguments.smoke:
        prepare_environment(SMOKE)
        try:
            create(arguments.server, SMOKE)  # starts Django on it, too
            measure(arguments.server, SMOKE, repeat=1)
        finally:
            from django.db import connections

            connections.close_all()
            drop(arguments.server, SMOKE)
        print(
            f"bench.reports --smoke: every page, export and memory figure produced in "
            f"{time.perf_counter() - started:.0f} s"
        )
        return
    start_django(arguments.server, FULL)
    measure(arguments.server, FULL, repeat=arguments.repeat)


def measure(server: str, data_set: DataSet, *, repeat: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    if not Path(data_set.var_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    print(
        f"PostgreSQL {connection.cursor().connection.info.server_version}, database {data_set.database}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        flush=True,
    )
    client = signed_in_client()
    pages = time_pages(client, repeat)
    exports = time_exports(client)
    memory = measure_rss(server, data_set, client)
    slowest = max(pages, key=lambda page: page["median"])
    print(
        f"\nslowest page: {slowest['page']} {slowest['median'] * 1000:.0f} ms "
        f"({slowest['median'] / TARGET_SECONDS:.2f} of the {TARGET_SECONDS:.0f} s target)"
    )
    print(json.dumps({"pages": pages, "exports": exports, "memory": memory}, default=str))


if __name__ == "__main__":
    main()
