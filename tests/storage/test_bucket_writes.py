"""Writing to a bucket keeps the promises the filesystem kept: a file is published whole under
its own name, a retry replaces it, a failed write leaves nothing, and the sweeper clears what
a killed writer left on its host."""

import os
import time
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.utils import timezone

from certificates.rendering import ProjectFilesOnlyFetcher, store_pdf
from certificates.sweep_services import certificate_temporary_files_sweep
from lms.files import private_file_read, private_storage
from tests.storage.conftest import BUCKET, files_under, keys_in, s3_client

TWO_HOURS = 2 * 60 * 60


def test_a_retried_render_replaces_its_pdf_in_the_bucket_under_the_same_name(web_host, s3_store):
    store_pdf(code="K7MP4QRT", generation=1, pdf=b"%PDF-1.7 first try")
    stored = store_pdf(code="K7MP4QRT", generation=1, pdf=b"%PDF-1.7 second try")

    assert stored.path == "certificates/K7MP4QRT-1.pdf"
    assert keys_in(s3_store) == ["certificates/K7MP4QRT-1.pdf"]
    assert private_file_read(stored.path) == b"%PDF-1.7 second try"
    assert files_under(web_host) == [], "staged files are gone once published"


def test_a_bucket_that_refuses_the_file_leaves_no_object_and_no_temporary_file(web_host, s3_store):
    s3_client(s3_store).delete_bucket(Bucket=BUCKET)

    with pytest.raises(ClientError, match="NoSuchBucket"):
        store_pdf(code="K7MP4QRT", generation=1, pdf=b"%PDF-1.7 nowhere to go")

    assert files_under(web_host) == []


def test_sweeper_removes_a_killed_writers_staged_file_and_keeps_one_being_written(web_host, settings):
    staging = web_host / "staging"
    staging.mkdir(parents=True)
    abandoned, being_written = staging / ".K7MP4QRT.x81ks0ap.tmp", staging / ".batch-3.q0w9e8r7.tmp"
    for path, age in ((abandoned, TWO_HOURS), (being_written, 60)):
        path.write_bytes(b"%PDF-1.7 half a certificate")
        os.utime(path, (time.time() - age, time.time() - age))

    assert certificate_temporary_files_sweep(now=timezone.now() + timedelta(seconds=1)) == 1
    assert not abandoned.exists() and being_written.exists()


def test_the_renderer_reads_a_look_image_from_the_bucket_but_never_a_learners_certificate(web_host):
    private_storage().save("certificate-look/7/logo.png", ContentFile(b"\x89PNG a logo"))
    stored = store_pdf(code="K7MP4QRT", generation=1, pdf=b"%PDF-1.7 someone's certificate")
    fetcher = ProjectFilesOnlyFetcher()

    assert fetcher.fetch("docere-private:certificate-look/7/logo.png").read() == b"\x89PNG a logo"
    for name in (stored.path, "certificate-look/../" + stored.path):
        with pytest.raises(ValueError, match="not a certificate-look image"):
            fetcher.fetch(f"docere-private:{name}")
