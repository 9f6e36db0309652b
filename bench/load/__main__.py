"""`python -m bench.load`: see the package's docstring."""

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench.load
from bench.load.learners import DEMO_COURSES, prepare, write_learners_file
from bench.load.measure import Measured, measure, report
from bench.load.runs import Run, run_wrk
from bench.load_stack import (
    BASE_DIR,
    PrivateRedis,
    free_port,
    recreate_database,
    scratch_database_name,
    scratch_environment,
    start_stack,
    stop,
)

# --smoke: every scenario, both cache settings and the lost-answer check, for a few seconds each.
SMOKE = {"seconds": 3, "learners": 6, "rounds": 1, "gunicorn_workers": 2}


# The same production settings, with the shared cache (Redis) and with no cache at all.
CACHE_SETTINGS = {"cache on": "bench.load_settings", "cache off": "bench.load_settings_nocache"}


def main() -> None:
    parser = argparse.ArgumentParser(description=bench.load.__doc__.split("\n\n")[0])
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
                results[label] = measure(label, wrk, options, cached=settings_module != CACHE_SETTINGS["cache off"])
            finally:
                stop(processes)
                processes = []
        report(env, results, var_dir, options, started)
    finally:
        stop(processes)
        recreate_database(env, database, drop_only=True)
        redis.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
