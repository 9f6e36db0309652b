"""What the certificates benchmark prints."""

import statistics

from bench.certificates.batch import Batch
from bench.certificates.floor import Comparison
from bench.certificates.latency import Latencies

TARGET_RATIO = 0.9
TARGET_LATENCY_RATIO = 2.0


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report_comparison(comparison: Comparison, *, rounds: int) -> None:
    floor = comparison.floor
    print(f"\n1. One process, {floor.count} certificates per side, {rounds} interleaved rounds")
    print(
        f"   WeasyPrint's floor (cached CSS + FontConfiguration, PDF/A-3b + tags)  {floor.rate:6.2f}/s   1.00×"
        f"   {ms(floor.seconds / floor.count)} wall, {floor.cpu_ms:.0f} ms CPU per certificate"
    )
    for label, timed in (
        ("pipeline render step (template, QR code, PDF)", comparison.render_step),
        ("pipeline task body (row → stored PDF → ready)", comparison.task),
    ):
        print(
            f"   {label:70s} {timed.rate:6.2f}/s   {timed.rate / floor.rate:.2f}×"
            f"   {ms(timed.seconds / timed.count)} wall, {timed.cpu_ms:.0f} ms CPU"
        )
    per_round = ", ".join(
        f"{task / fl:.2f}×" for task, fl in zip(comparison.task.round_rates, floor.round_rates, strict=True)
    )
    print(f"   task body / floor per round: {per_round}  (target ≥ {TARGET_RATIO:.2f}×)")
    print("   one render, step by step (wall time, the task body's own calls):")
    for stage, seconds in comparison.stages.items():
        print(f"     {stage:55s} {seconds * 1000:6.1f} ms")


def report_batch(batch: Batch) -> None:
    capacity = batch.machine_busy_seconds + batch.machine_idle_seconds
    print(
        f"\n2. {batch.count} certificates through the learners' worker (Procfile `worker`, "
        f"--concurrency={batch.concurrency}) against the floor in {batch.concurrency} processes, "
        f"{len(batch.rounds)} interleaved rounds"
    )
    for number, one in enumerate(batch.rounds, start=1):
        print(f"   round {number}: floor {one.floor_rate:6.2f}/s, worker {one.worker_rate:6.2f}/s  → {one.ratio:.2f}×")
    print(
        f"   median worker / floor: {batch.median_ratio:.2f}×  (target ≥ {TARGET_RATIO:.2f}×); "
        f"range {min(one.ratio for one in batch.rounds):.2f}–{max(one.ratio for one in batch.rounds):.2f}×; "
        f"{batch.failed} failed"
    )
    print(
        f"   CPU per certificate: worker {batch.worker_cpu_ms:.0f} ms (every process of it), floor "
        f"{batch.floor_cpu_ms:.0f} ms → the worker spends {batch.worker_cpu_ms / batch.floor_cpu_ms:.2f}× the floor"
    )
    print(
        f"   at that CPU, 1000 certificates on {batch.concurrency} CPUs of its own take "
        f"{batch.worker_cpu_seconds / batch.count * 1000 / batch.concurrency:.0f} s (target ≤ 45 s)"
    )
    print(
        f"   machine CPU during the worker's sides: worker {batch.worker_cpu_seconds / capacity:.0%}, "
        f"everything else {(batch.machine_busy_seconds - batch.worker_cpu_seconds) / capacity:.0%}, "
        f"idle {batch.machine_idle_seconds / capacity:.0%}"
    )
    peaks = ", ".join(f"{kib / 1024:.0f} MiB" for kib in batch.peak_rss_kib.values())
    print(f"   peak RSS per pool child: {peaks}")


def report_latencies(latencies: Latencies) -> None:
    idle, during = latencies.idle, latencies.during_bulk
    print(
        f"\n3. A learner's claim → ready, {len(idle)} sequential claims on idle workers, then {len(during)} "
        f"during a bulk issue of {latencies.bulk_count} (Procfile `worker` and `worker_bulk`)"
    )
    print(
        f"   idle:        median {ms(statistics.median(idle))}, max {ms(max(idle))}; "
        f"each: {' '.join(f'{value * 1000:.0f}' for value in idle)}"
    )
    print(
        f"   during bulk: median {ms(statistics.median(during))}, max {ms(max(during))}; "
        f"each: {' '.join(f'{value * 1000:.0f}' for value in during)}"
    )
    print(
        f"   median during bulk / idle: {latencies.ratio:.2f}×  (target ≤ {TARGET_LATENCY_RATIO:.1f}×); "
        f"{latencies.bulk_left_at_last_claim} bulk certificates still to render when the last claim was ready; "
        f"the bulk issue took {latencies.bulk_seconds:.1f} s in all"
    )
