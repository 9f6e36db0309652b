"""One wrk run and what it saw: each request's scenario, latency and outcome, the answers
the server accepted and the cache's hits and misses, with the table that summarises them."""

import math
import os
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.load_stack import BASE_DIR, HOST, PrivateRedis

LUA_SCRIPT = BASE_DIR / "bench" / "load.lua"


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

    def hit_rate(self, *, cached: bool) -> str:
        """Both caches' hits. A module page reads two keys (the outline and the module's
        content) from its process's own copies (the "local" cache), and only those it misses
        from Redis: so the process copies missed at most as many keys as Redis was asked for
        (the Celery broker's few reads count there too), and hit the rest."""
        pages = len(self.latencies_ms.get("module page", []))
        lookups = self.cache_hits + self.cache_misses
        shared = f"Redis {100 * self.cache_hits / lookups:.1f}% of {lookups} key reads" if lookups else "no Redis reads"
        if not cached:
            return f"no cache; {shared} for {pages} module pages"
        local_reads = 2 * pages
        # Rounded down, so a few misses never print as 100.00%.
        local = (
            f"{math.floor(10_000 * (1 - min(lookups, local_reads) / local_reads)) / 100:.2f}%" if local_reads else "-"
        )
        return f"process copies ≥ {local} of {local_reads} key reads; {shared} for {pages} module pages"


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


def print_table(rows: dict[str, dict]) -> None:
    print(f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in rows.items():
        print(f"{name:<16}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['p99']:>9.1f}{row['errors']:>8}")
