"""The storage benchmark's quick form runs to the end and prints every figure docs/scaling.md quotes."""

import subprocess
import sys

from django.conf import settings


def test_the_storage_benchmark_times_both_stores_and_reads_back_what_it_stored():
    finished = subprocess.run(
        [sys.executable, "-m", "bench.storage", "--smoke"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    labels = [line.split(" p50 ")[0].strip() for line in finished.stdout.splitlines() if " p50 " in line]
    assert labels == [
        "filesystem: store (fsync)",
        "filesystem: read back",
        "S3 (moto, loopback): store",
        "S3 (moto, loopback): read",
    ]
