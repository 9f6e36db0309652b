"""Many certificates as one ZIP.

Up to `ZIP_STREAM_LIMIT` certificates are streamed straight into the admin's response;
more are written by the worker into private storage (MEDIA_ROOT/exports/) while the
administrator watches a progress page. Both paths share one generator that reads each PDF
in chunks and hands the archive on as it grows, so memory stays flat whatever the count.
"""

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from certificates.models import Certificate, CertificateBatch, CertificateStatus
from certificates.rendering import stored_pdf_path

# Above this many certificates the request would run long enough to meet proxy timeouts,
# so the worker builds the ZIP instead.
ZIP_STREAM_LIMIT = 50
EXPORT_DIR = "exports"
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ZipMember:
    name: str
    path: Path
    modified: datetime


def member_for(certificate: Certificate) -> ZipMember:
    return ZipMember(name=f"{certificate.code}.pdf", path=stored_pdf_path(certificate),
                     modified=certificate.issued_at or certificate.status_changed_at)


def why_not_exportable(certificate: Certificate) -> str:
    """Empty when the certificate can go into a ZIP; otherwise what the administrator is told."""
    if certificate.status != CertificateStatus.READY:
        return f"{certificate.display_code} is {certificate.get_status_display().lower()}"
    if not certificate.pdf_path or not stored_pdf_path(certificate).is_file():
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
            info.file_size = member.path.stat().st_size  # lets zipfile decide on ZIP64 up front
            with member.path.open("rb") as source, archive.open(info, mode="w") as target:
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
    path: str  # relative to MEDIA_ROOT
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
    final = Path(settings.MEDIA_ROOT) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=final.parent, prefix=f".batch-{batch.pk}.", suffix=".tmp")
    size = 0
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for data in zip_stream(members()):
                handle.write(data)
                size += len(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BuiltExport(path=relative, size=size, skipped=skipped)


def export_file_path(batch: CertificateBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.file_path
