"""`python -m bench.reports`: see the package's docstring."""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import bench.reports
from bench.generate_dataset.build import create
from bench.generate_dataset.scratch import FULL, SMOKE, DataSet, default_server, drop
from bench.reports.environment import prepare_environment, start_django
from bench.reports.memory import measure_rss, rss_child
from bench.reports.signin import signed_in_client
from bench.reports.timing import time_exports, time_pages

TARGET_SECONDS = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=bench.reports.__doc__.split("\n\n")[0])
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
