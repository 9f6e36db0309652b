"""An S3-compatible store for the storage tests: moto's S3 server on a free loopback port."""

import urllib.request
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lms import env
from tests.certificates.conftest import completed_enrollment, physician  # noqa: F401 — fixtures
from tests.workers import free_port

BUCKET = "docere-private-files"
# moto accepts any credentials; they are passed explicitly, as a deployment without a role does.
ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "us-east-1"


@pytest.fixture
def s3_store():
    """moto's S3 server with an empty bucket; its endpoint URL."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto keeps its buckets per process, not per server: start from none.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10)  # noqa: S310 — loopback
    s3_client(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def s3_client(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )


def keys_in(endpoint: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.fixture
def web_host(settings, s3_store, tmp_path):
    """This process as the web host: the bucket for private files, its own local folders."""
    folder = tmp_path / "web"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": env.s3_storage_config(
            bucket_name=BUCKET, endpoint_url=s3_store, region_name=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY
        ),
    }
    settings.MEDIA_ROOT = str(folder / "media")
    settings.FILE_STAGING_DIR = str(folder / "staging")
    return folder
