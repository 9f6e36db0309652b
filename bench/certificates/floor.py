"""WeasyPrint's own floor for a certificate, and the pipeline measured against it in one process.

The floor lays out exactly the document the pipeline prints, the way WeasyPrint is meant to
be used for many documents: the certificate stylesheet parsed once into a `CSS` object, one
`FontConfiguration` reused for every document, and the pipeline's own PDF options (PDF/A-3b
with a structure tree). It gets the pipeline's HTML ready-made, so everything the pipeline
does beyond it (the row, the template, the QR code, the file, the events) shows in the ratio.
"""

import gc
import multiprocessing
import time
from dataclasses import dataclass, field
from functools import cache

from bench.certificates.rows import count_with_status, make_pending_certificates


@cache
def _floor_setup():
    # Built once per process, as a long-lived renderer would: the same file the pipeline
    # parses, with a font configuration of its own that every document reuses.
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheet = CSS(filename=finders.find("certificates/certificate.css"), font_config=font_config)
    base_url = (settings.BASE_DIR / "static").as_uri() + "/"
    return stylesheet, font_config, base_url


def render_floor(html: str) -> bytes:
    from weasyprint import HTML

    from certificates.rendering import PDF_OPTIONS

    stylesheet, font_config, base_url = _floor_setup()
    return HTML(string=html, base_url=base_url).write_pdf(
        stylesheets=[stylesheet], font_config=font_config, **PDF_OPTIONS
    )


def render_floor_batch(documents: list[str]) -> tuple[int, float]:
    """(documents rendered, CPU seconds this process spent on them)."""
    cpu_started = time.process_time()
    for html in documents:
        render_floor(html)
    return len(documents), time.process_time() - cpu_started


def pipeline_documents(ids: list[int]) -> list[str]:
    """The pipeline's own HTML for each certificate: what the floor lays out."""
    from certificates.models import Certificate
    from certificates.rendering import certificate_html

    return [certificate_html(certificate) for certificate in Certificate.objects.filter(pk__in=ids).order_by("pk")]


@dataclass
class Timed:
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    count: int = 0
    round_rates: list[float] = field(default_factory=list)

    def run(self, work, items: list) -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        for item in items:
            work(item)
        seconds = time.perf_counter() - started
        self.seconds += seconds
        self.cpu_seconds += time.process_time() - cpu_started
        self.count += len(items)
        self.round_rates.append(len(items) / seconds)

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds / self.count * 1000


@dataclass
class Comparison:
    floor: Timed
    render_step: Timed  # certificates.rendering.render_certificate_pdf: template, QR code, PDF
    task: Timed  # the render task's whole body: row lease, render, stored file, ready, events
    stages: dict[str, float]


def compare_in_one_process(*, course, count: int, rounds: int) -> Comparison:
    """Interleaved rounds, alternating which side goes first, so that a neighbour's load falls
    on all three alike."""
    from certificates import rendering
    from certificates.models import Certificate, CertificateStatus
    from certificates.tasks import render_certificate
    from lms.celery import settle_pool_child

    warm_up, *ids = make_pending_certificates(count + 1, course=course, tag="compare")
    documents = pipeline_documents(ids)
    render_floor(documents[0])
    render_certificate.apply(args=[warm_up], throw=True)  # fonts, the cached stylesheet, imports
    settle_pool_child()  # this process now stands for a worker's pool child, frozen heap and all
    certificates = list(Certificate.objects.filter(pk__in=ids).order_by("pk"))

    floor, render_step, task = Timed(), Timed(), Timed()
    size = -(-count // rounds)
    for number in range(rounds):
        chunk = slice(number * size, (number + 1) * size)
        sides = [
            lambda chunk=chunk: floor.run(render_floor, documents[chunk]),
            lambda chunk=chunk: render_step.run(rendering.render_certificate_pdf, certificates[chunk]),
            lambda chunk=chunk: task.run(lambda pk: render_certificate.apply(args=[pk], throw=True), ids[chunk]),
        ]
        for side in sides if number % 2 == 0 else reversed(sides):
            side()
    ready = count_with_status(ids, CertificateStatus.READY)
    if ready != count:
        raise SystemExit(f"Only {ready} of {count} certificates rendered in process; see last_error on the rows.")
    return Comparison(floor=floor, render_step=render_step, task=task, stages=stages_of_one_render(course, count))


def stages_of_one_render(course, count: int) -> dict[str, float]:
    """Where one render's time goes: the task body's steps, timed one after another on fresh rows."""
    from certificates import rendering, services

    steps = {
        "take the row (conditional update, snapshot)": 0.0,
        "template + QR code": 0.0,
        "PDF (PDF/A-3b + tags)": 0.0,
        "store (write + fsync + rename)": 0.0,
        "mark ready (row, event, ask for the email send)": 0.0,
    }
    sample = make_pending_certificates(min(20, count), course=course, tag="steps")
    for certificate_id in sample:
        marks = [time.perf_counter()]
        certificate = services.certificate_mark_rendering(certificate_id=certificate_id, generation=1, task_id="bench")
        marks.append(time.perf_counter())
        html = rendering.certificate_html(certificate)
        marks.append(time.perf_counter())
        pdf = rendering.html_to_pdf(html)
        marks.append(time.perf_counter())
        stored = rendering.store_pdf(code=certificate.code, generation=1, pdf=pdf)
        marks.append(time.perf_counter())
        services.certificate_mark_ready(
            certificate_id=certificate_id,
            generation=1,
            task_id="bench",
            path=stored.path,
            size=stored.size,
            sha256=stored.sha256,
            replaces=certificate.pdf_path,
        )
        marks.append(time.perf_counter())
        for step, (start, end) in zip(steps, zip(marks, marks[1:], strict=False), strict=True):
            steps[step] += end - start
    return {step: seconds / len(sample) for step, seconds in steps.items()}


def settle_floor_process(warm_up: str) -> None:
    """Ready a floor process as the worker readies a pool child (lms.celery.settle_pool_child):
    one document laid out (fonts, imports), then the heap frozen, so that neither side's
    renders pay for garbage collections the other is spared."""
    render_floor(warm_up)
    gc.collect()
    gc.freeze()


class FloorPool:
    """The floor in as many processes as the worker has children: the baseline for a batch.
    The processes start once and stay warm between rounds, like the worker's pool."""

    def __init__(self, processes: int, *, warm_up: str):
        from django.db import connections

        connections.close_all()  # no database connection may cross the fork
        self.processes = processes
        self.pool = multiprocessing.get_context("fork").Pool(
            processes, initializer=settle_floor_process, initargs=[warm_up]
        )

    def run(self, documents: list[str]) -> tuple[float, float]:
        """(seconds of wall time for all documents, CPU seconds the processes spent on them)."""
        started = time.perf_counter()
        parts = self.pool.map(render_floor_batch, [documents[n :: self.processes] for n in range(self.processes)])
        return time.perf_counter() - started, sum(cpu for _, cpu in parts)

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()
