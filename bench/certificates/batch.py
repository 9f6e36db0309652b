"""A batch through the real learners' worker against the floor in as many processes, in
interleaved rounds (floor, worker, floor, worker, …): a neighbour's load that comes and goes
during the run weighs on both sides of each round alike, and the median round says how the
two compare."""

import statistics
import time
from dataclasses import dataclass, field

from bench.certificates.floor import FloorPool, pipeline_documents
from bench.certificates.processes import Worker, machine_cpu_seconds, resident_kib, wait_until
from bench.certificates.rows import count_finished, count_with_status, make_pending_certificates

SAMPLE_EVERY_SECONDS = 0.2
MEMORY_EVERY_SECONDS = 1.0


@dataclass
class Round:
    floor_rate: float
    worker_rate: float

    @property
    def ratio(self) -> float:
        return self.worker_rate / self.floor_rate


@dataclass
class Batch:
    concurrency: int
    rounds: list[Round] = field(default_factory=list)
    count: int = 0
    worker_seconds: float = 0.0
    worker_cpu_seconds: float = 0.0
    floor_count: int = 0
    floor_cpu_seconds: float = 0.0
    machine_busy_seconds: float = 0.0
    machine_idle_seconds: float = 0.0
    failed: int = 0
    peak_rss_kib: dict[int, int] = field(default_factory=dict)  # per pool child

    @property
    def median_ratio(self) -> float:
        return statistics.median(one.ratio for one in self.rounds)

    @property
    def worker_cpu_ms(self) -> float:
        return self.worker_cpu_seconds / self.count * 1000

    @property
    def floor_cpu_ms(self) -> float:
        return self.floor_cpu_seconds / self.floor_count * 1000


def worker_renders(*, worker: Worker, ids: list[int], batch: Batch) -> float:
    """Queue every render at once, as claims do on commit; the rate until the last is ready."""
    from django.db.models import Max
    from django.utils import timezone

    from certificates.models import CertificateEvent, CertificateEventKind, CertificateStatus
    from certificates.services import queue_render

    cpu_started = worker.cpu_seconds()
    busy_started, idle_started = machine_cpu_seconds()
    started, started_at = time.perf_counter(), timezone.now()
    for certificate_id in ids:
        queue_render(certificate_id, 1)
    memory_sampled = 0.0
    # What the loop costs runs beside the worker and not beside the floor: one query a look,
    # and the pool's memory once a second.
    while (finished := count_finished(ids)) < len(ids):
        if time.perf_counter() - memory_sampled >= MEMORY_EVERY_SECONDS:
            memory_sampled = time.perf_counter()
            for pid in worker.children():
                if rss := resident_kib(pid):
                    batch.peak_rss_kib[pid] = max(rss, batch.peak_rss_kib.get(pid, 0))
        if time.perf_counter() - started > max(300, len(ids)):
            raise SystemExit(f"Batch stalled: {finished} of {len(ids)} ready or failed.")
        time.sleep(SAMPLE_EVERY_SECONDS)
    failed = count_with_status(ids, CertificateStatus.FAILED)
    # The last render's own timestamp, not the moment this loop noticed it: the loop looks
    # only every 0.2 s, which would be several per cent of a short round.
    last_rendered = CertificateEvent.objects.filter(
        certificate_id__in=ids, kind=CertificateEventKind.RENDERED
    ).aggregate(last=Max("at"))["last"]
    seconds = (last_rendered - started_at).total_seconds() if last_rendered else time.perf_counter() - started
    busy, idle = machine_cpu_seconds()
    batch.count += len(ids)
    batch.failed += failed
    batch.worker_seconds += seconds
    batch.worker_cpu_seconds += worker.cpu_seconds() - cpu_started
    batch.machine_busy_seconds += busy - busy_started
    batch.machine_idle_seconds += idle - idle_started
    wait_for_emails(ids)  # outside the timing, so the next side starts on an idle worker
    return len(ids) / seconds


def wait_for_emails(ids: list[int]) -> None:
    """Each ready certificate queued its email; let them all go out."""
    from certificates.models import CertificateEvent, CertificateEventKind

    def all_sent() -> bool:
        return CertificateEvent.objects.filter(
            certificate_id__gte=min(ids), certificate_id__lte=max(ids), kind=CertificateEventKind.EMAILED
        ).count() >= len(ids)

    wait_until(all_sent, timeout=max(300, len(ids)), every=0.2, what="the batch's emails")


def run_batch(*, worker: Worker, course, count: int, rounds: int) -> Batch:
    from certificates.models import CertificateStatus
    from certificates.services import queue_render

    warm_up = make_pending_certificates(2 * worker.concurrency, course=course, tag="warm")
    for certificate_id in warm_up:
        queue_render(certificate_id, 1)
    wait_until(
        lambda: count_with_status(warm_up, CertificateStatus.READY) == len(warm_up),
        timeout=180,
        what="the worker to render its warm-up certificates",
    )
    wait_for_emails(warm_up)

    size = max(worker.concurrency, count // rounds)
    worker_ids = [make_pending_certificates(size, course=course, tag=f"worker-{number}") for number in range(rounds)]
    floor_documents = [
        pipeline_documents(make_pending_certificates(size, course=course, tag=f"floor-{number}"))
        for number in range(rounds)
    ]
    batch = Batch(concurrency=worker.concurrency)
    worker.pause()
    floor = FloorPool(worker.concurrency, warm_up=floor_documents[0][0])
    try:
        for number in range(rounds):
            rates = {}

            def floor_side(number=number, rates=rates):
                seconds, cpu = floor.run(floor_documents[number])
                batch.floor_count += size
                batch.floor_cpu_seconds += cpu
                rates["floor"] = size / seconds

            def worker_side(number=number, rates=rates):
                worker.resume()
                try:
                    rates["worker"] = worker_renders(worker=worker, ids=worker_ids[number], batch=batch)
                finally:
                    worker.pause()  # its polling loop must not weigh on the floor's side

            for side in (floor_side, worker_side) if number % 2 == 0 else (worker_side, floor_side):
                side()
            batch.rounds.append(Round(floor_rate=rates["floor"], worker_rate=rates["worker"]))
    finally:
        floor.close()
        worker.resume()
    return batch
