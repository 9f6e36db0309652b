"""Private files: what storing a certificate PDF and reading it back costs on the local
filesystem against an S3-compatible bucket (moto's S3 server on a loopback port).

    .venv/bin/python -m bench.storage               # 200 files of 120 KiB per side
    .venv/bin/python -m bench.storage --smoke       # CI: 5 files per side

The bucket is a Python server in this process on the same machine, so its figures are the
client's own cost (boto3 signing, HTTP, one PUT or GET per file) plus moto's; a store across
a network adds its round trips. Everything is written in a scratch folder under var/ and an
in-memory bucket, both gone at the end. Results go in docs/scaling.md.
"""

import argparse
import os
import secrets
import shutil
import socket
import statistics
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BUCKET = "docere-bench"
CREDENTIALS = {"access_key": "bench", "secret_key": "bench-secret", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _timed_round_trips(*, count: int, pdf: bytes) -> tuple[list[float], list[float]]:
    """Milliseconds per store_pdf and per read of the stored file, in the configured storage."""
    from certificates.rendering import store_pdf
    from lms.files import private_file_read

    stores, reads = [], []
    for number in range(count):
        started = time.perf_counter()
        stored = store_pdf(code=f"BENCH{number:05d}", generation=1, pdf=pdf)
        stores.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert private_file_read(stored.path) == pdf
        reads.append((time.perf_counter() - started) * 1000)
    return stores, reads


def _summary(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:<28} p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="files per side")
    parser.add_argument("--size-kib", type=int, default=120, help="size of each file (a certificate is ~100-150 KiB)")
    parser.add_argument("--smoke", action="store_true", help="5 files per side, for CI")
    arguments = parser.parse_args()
    count = 5 if arguments.smoke else arguments.count

    (BASE_DIR / "var").mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-storage-", dir=BASE_DIR / "var"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lms.settings",
            "DEBUG": "1",
            "VAR_DIR": str(scratch),
            "MEDIA_ROOT": str(scratch / "media"),
        }
    )
    import boto3
    import django
    from moto.server import ThreadedMotoServer

    django.setup()
    from django.test import override_settings

    from lms.env import s3_storage_config

    pdf = b"%PDF-1.7\n" + secrets.token_bytes(arguments.size_kib * 1024)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    try:
        endpoint = "http://{}:{}".format(*server.get_host_and_port())
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=CREDENTIALS["access_key"],
            aws_secret_access_key=CREDENTIALS["secret_key"],
            region_name=CREDENTIALS["region_name"],
        ).create_bucket(Bucket=BUCKET)
        local = _timed_round_trips(count=count, pdf=pdf)
        bucket_storage = s3_storage_config(bucket_name=BUCKET, endpoint_url=endpoint, **CREDENTIALS)
        with override_settings(
            STORAGES={
                "default": bucket_storage,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ):
            bucket = _timed_round_trips(count=count, pdf=pdf)
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"{count} files of {arguments.size_kib} KiB per side, {os.cpu_count()} CPUs")
    print(_summary("filesystem: store (fsync)", local[0]))
    print(_summary("filesystem: read back", local[1]))
    print(_summary("S3 (moto, loopback): store", bucket[0]))
    print(_summary("S3 (moto, loopback): read", bucket[1]))


if __name__ == "__main__":
    main()
