"""Many certificates as one ZIP.

Up to `ZIP_STREAM_LIMIT` certificates are streamed straight into the admin's response;
more are written by the worker into private storage (exports/) while the
administrator watches a progress page. Both paths share one generator that reads each PDF
in chunks and hands the archive on as it grows, so memory stays flat whatever the count.
"""

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from certificates.models import Certificate, CertificateBatch, CertificateStatus
from lms.files import private_file_exists, private_file_open, private_storage, publishing

# Above this many certificates the request would run long enough to meet proxy timeouts,
# so the worker builds the ZIP instead.
ZIP_STREAM_LIMIT = 50
EXPORT_DIR = "exports"
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ZipMember:
    name: str
    stored_name: str  # the PDF's name in private storage
    modified: datetime


def member_for(certificate: Certificate) -> ZipMember:
    return ZipMember(
        name=f"{certificate.code}.pdf",
        stored_name=certificate.pdf_path,
        modified=certificate.issued_at or certificate.status_changed_at,
    )


def why_not_exportable(certificate: Certificate) -> str:
    """Empty when the certificate can go into a ZIP; otherwise what the administrator is told."""
    if certificate.status != CertificateStatus.READY:
        return f"{certificate.display_code} is {certificate.get_status_display().lower()}"
    if not private_file_exists(certificate.pdf_path):
        return f"{certificate.display_code} has no stored PDF (regenerate it)"
    return ""


class _ChunkSink:
    """A write-only file for `zipfile`: it keeps what is written until the generator takes it.

    It has no `tell` or `seek`, so zipfile writes each member's sizes in a data descriptor
    after the data instead of going back to patch the header: the archive can be sent as it
    is made.
    """

    def __init__(self):
        self._chunks: list[bytes] = []

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def zip_stream(members: Iterable[ZipMember]) -> Iterator[bytes]:
    """Yield a ZIP of the members' files, piece by piece; at most one chunk of a PDF is in memory."""
    sink = _ChunkSink()
    # Deflate, although PDFs hardly shrink: some unzip tools refuse stored members that
    # carry a data descriptor, which a streamed archive must use.
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=timezone.localtime(member.modified).timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = private_storage().size(member.stored_name)  # lets zipfile decide on ZIP64 up front
            with private_file_open(member.stored_name) as source, archive.open(info, mode="w") as target:
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data  # the central directory, written when the archive closes


@dataclass(frozen=True)
class BuiltExport:
    path: str  # the name in private storage
    size: int
    skipped: list[dict]


def export_relative_path(batch_id: int) -> str:
    return f"{EXPORT_DIR}/certificates-batch-{batch_id}.zip"


def export_build(*, batch: CertificateBatch, on_progress: Callable[[int], None]) -> BuiltExport:
    """Write the batch's ZIP into private storage, atomically: a download sees the whole file or none.

    A certificate revoked since it was selected is left out and reported, never shipped.
    """
    certificates = list(batch.certificates.order_by("code"))
    skipped: list[dict] = []
    # About a hundred progress writes for a batch of any size.
    report_every = max(1, len(certificates) // 100)

    def members() -> Iterator[ZipMember]:
        for index, certificate in enumerate(certificates, start=1):
            reason = why_not_exportable(certificate)
            if reason:
                skipped.append({"who": certificate.display_code, "why": reason})
            else:
                yield member_for(certificate)
            # zip_stream asks for the next member only once the previous one is written.
            if index % report_every == 0 or index == len(certificates):
                on_progress(index)

    relative = export_relative_path(batch.pk)
    size = 0
    with publishing(relative, prefix=f"batch-{batch.pk}") as handle:
        for data in zip_stream(members()):
            handle.write(data)
            size += len(data)
    return BuiltExport(path=relative, size=size, skipped=skipped)
