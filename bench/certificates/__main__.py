"""`python -m bench.certificates`: see the package's docstring."""

import argparse
import os
import platform
import time
from datetime import UTC, datetime

import bench.certificates
from bench.certificates.processes import Worker
from bench.certificates.scratch import prepare_scratch, remove_scratch

# --smoke: every part runs, on as few certificates as still give each figure a value.
SMOKE = {"count": 8, "compare_count": 4, "rounds": 2, "batch_rounds": 2, "claims": 2, "bulk_count": 12}


def parse_arguments(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=bench.certificates.__doc__.split("\n\n")[0])
    parser.add_argument(
        "--count", type=int, default=1000, help="certificates the worker renders, over all batch rounds (default 1000)"
    )
    parser.add_argument(
        "--batch-rounds", type=int, default=6, help="interleaved floor/worker rounds in the batch (default 6)"
    )
    parser.add_argument(
        "--compare-count",
        type=int,
        default=100,
        help="certificates per side in the single-process comparison (default 100)",
    )
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds in the comparison (default 5)")
    parser.add_argument(
        "--claims",
        type=int,
        default=15,
        help="sequential claims timed on idle workers, and again during the bulk issue (default 15)",
    )
    parser.add_argument("--bulk-count", type=int, default=300, help="learners in the bulk issue (default 300)")
    parser.add_argument("--redis-db", type=int, default=15, help="scratch Redis database index, must be empty (15)")
    parser.add_argument(
        "--one-process-only",
        action="store_true",
        help="only part 1, the floor against the pipeline in one process: a quick A/B of two commits",
    )
    parser.add_argument(
        "--smoke", action="store_true", help=f"a quick run that checks the benchmark works, not the figures: {SMOKE}"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        vars(args).update(SMOKE)
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    started = time.perf_counter()
    scratch = prepare_scratch(redis_db=args.redis_db)
    workers: list[Worker] = []
    try:
        import django

        django.setup()
        import weasyprint
        from django.core.management import call_command

        from bench.certificates import batch, floor, latency, report, rows
        from lms.celery import app as celery_app
        from lms.celery import ensure_broker_folders

        call_command("migrate", verbosity=0, interactive=False)
        ensure_broker_folders()
        course = rows.make_course()
        load_before = os.getloadavg()
        print(f"Certificates benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        print(
            f"  {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
            f"WeasyPrint {weasyprint.__version__}; {scratch.backend}"
        )
        print(f"  load average before: {load_before[0]:.2f} (1 min), {load_before[1]:.2f} (5 min)")

        comparison = floor.compare_in_one_process(course=course, count=args.compare_count, rounds=args.rounds)
        report.report_comparison(comparison, rounds=args.rounds)
        if args.one_process_only:
            print(f"bench.certificates --one-process-only: produced in {time.perf_counter() - started:.0f} s")
            return

        rows.settle_in_process_emails()
        celery_app.control.purge()  # and the sends the in-process renders asked for
        learners_worker = Worker.start("worker", scratch.var_dir / "worker.log")
        workers.append(learners_worker)
        outcome = batch.run_batch(worker=learners_worker, course=course, count=args.count, rounds=args.batch_rounds)
        report.report_batch(outcome)
        if outcome.failed:
            raise SystemExit(
                f"bench.certificates failed: {outcome.failed} of {outcome.count} certificates failed "
                f"to render; see last_error on their rows."
            )

        workers.append(Worker.start("worker_bulk", scratch.var_dir / "worker-bulk.log"))
        # The idle claims are the baseline: neither worker may still be starting or busy.
        for worker in workers:
            worker.wait_until_settled()
        latencies = latency.learner_latencies(
            course=course,
            bulk_course=rows.make_course("bench-bulk-issue"),
            claims=args.claims,
            bulk_count=args.bulk_count,
        )
        report.report_latencies(latencies)
        load_after = os.getloadavg()
        print(f"\n  load average after: {load_after[0]:.2f} (1 min), {load_after[1]:.2f} (5 min)")
        if not outcome.rounds or not outcome.peak_rss_kib or len(latencies.during_bulk) != args.claims:
            raise SystemExit("bench.certificates failed: a round, the workers' memory or a claim was not measured.")
        print(
            f"bench.certificates{' --smoke' if args.smoke else ''}: every figure produced in "
            f"{time.perf_counter() - started:.0f} s"
        )
    except BaseException:
        # The scratch folder goes with the run: show what the workers said before it does.
        for log in sorted(scratch.var_dir.glob("worker*.log")):
            print(f"\n--- the end of {log.name} ---\n" + "\n".join(log.read_text().splitlines()[-40:]))
        raise
    finally:
        for worker in workers:
            worker.stop()
        remove_scratch(scratch)


if __name__ == "__main__":
    main()
