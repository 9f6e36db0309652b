"""Measuring one cache setting (the baseline and the module page taking turns, then every
learner at once) and the final report: the ratios, the lost-answer check against the
database, and the failures that make the run exit non-zero."""

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.load.runs import Run, print_table, summary
from bench.load_stack import django_shell_json

LEARNER_SCENARIOS = ("module page", "start attempt", "attempt page", "submit answers")


def missing_figures(label: str, bare: Run, module: Run, learners: Run) -> list[str]:
    """Each request type must have served requests, or its line and the ratio would mean nothing."""
    served = [("bare view", bare), ("module page", module)] + [(scenario, learners) for scenario in LEARNER_SCENARIOS]
    missing = [
        f"{label}: no {scenario} request in the {'mixed' if run is learners else 'alone'} run"
        for scenario, run in served
        if not run.latencies_ms.get(scenario)
    ]
    if not learners.accepted_attempts:
        missing.append(f"{label}: no post-test attempt accepted, so no answer could be checked")
    return missing


@dataclass
class Measured:
    bare: Run
    module: Run
    learners: Run
    round_ratios: list[float]

    @property
    def ratio(self) -> float:
        return self.module.rate("module page") / self.bare.rate("bare view")


def measure(label: str, wrk, options, *, cached: bool) -> Measured:
    """One cache setting: the baseline and the module page taking turns, then the mixed run."""
    wrk("module", 1 if options.smoke else 3)  # warm every gunicorn worker: connections, templates, the cache
    bare, module, round_ratios = Run(seconds=0), Run(seconds=0), []
    for _ in range(options.rounds):
        bare_round = wrk("bare", options.seconds / options.rounds)
        module_round = wrk("module", options.seconds / options.rounds)
        round_ratios.append(module_round.rate("module page") / bare_round.rate("bare view"))
        bare.merge(bare_round)
        module.merge(module_round)
    learners = wrk("learners", options.seconds)
    measured = Measured(bare=bare, module=module, learners=learners, round_ratios=round_ratios)

    print(f"\n== {label}: the module page alone, taking turns with the baseline")
    print_table({**summary(bare), **summary(module)})
    print(
        f"module page / bare view: {measured.ratio:.2f}× (rounds: {', '.join(f'{r:.2f}' for r in round_ratios)}); "
        f"cache: {module.hit_rate(cached=cached)}"
    )
    print(f"== {label}: learners at their places, a third of them in the post-test, all at once")
    print_table(summary(learners))
    print(f"cache: {learners.hit_rate(cached=cached)}")
    return measured


def answers_stored(env: dict[str, str], accepted: dict[int, int], var_dir: Path) -> dict[int, int]:
    """Answers in the database for each attempt whose submission the server accepted."""
    ids_file = var_dir / "accepted-attempts.json"
    ids_file.write_text(json.dumps(sorted(accepted)))
    script = f"""
import json
from django.db.models import Count
from courses.models import Answer
ids = json.load(open({str(ids_file)!r}))
rows = (Answer.objects.filter(attempt_id__in=ids, attempt__submitted_at__isnull=False)
        .values("attempt_id").annotate(n=Count("id")).values_list("attempt_id", "n"))
print(json.dumps(dict(rows)))
"""
    return {int(attempt): count for attempt, count in django_shell_json(env, script).items()}


def report(env: dict[str, str], results: dict[str, "Measured"], var_dir: Path, options, started: float) -> None:
    accepted: dict[int, int] = {}
    for measured in results.values():
        accepted.update(measured.learners.accepted_attempts)
    stored = answers_stored(env, accepted, var_dir)
    print("\n== Summary")
    for label, measured in results.items():
        p95 = ", ".join(f"{scenario} {row['p95']:.0f} ms" for scenario, row in summary(measured.learners).items())
        print(f"{label}: module page / bare view {measured.ratio:.2f}×; mixed p95: {p95}")
    sent = sum(accepted.values())
    lost = sum(max(0, count - stored.get(attempt, 0)) for attempt, count in accepted.items())
    print(
        f"answers accepted by the server: {sent} in {len(accepted)} attempts; "
        f"in the database: {sum(stored.values())}; lost: {lost}"
    )
    runs = [run for measured in results.values() for run in (measured.bare, measured.module, measured.learners)]
    socket_errors = sum(run.socket_errors for run in runs)
    http_errors = sum(sum(run.errors.values()) for run in runs)
    print(f"HTTP errors: {http_errors}; socket errors: {socket_errors}")
    failures = [
        missing for label, m in results.items() for missing in missing_figures(label, m.bare, m.module, m.learners)
    ]
    if http_errors or socket_errors:
        failures.append(f"{http_errors} HTTP errors and {socket_errors} socket errors")
    if lost:
        failures.append(f"{lost} accepted answers missing from the database")
    if failures:
        sys.exit("bench.load failed: " + "; ".join(failures))
    print(
        f"bench.load{' --smoke' if options.smoke else ''}: every figure produced, no errors, no lost answers, "
        f"in {time.monotonic() - started:.0f} s"
    )
