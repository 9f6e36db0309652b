"""Private files (certificate PDFs, export ZIPs, library resources, certificate-look images)
go through Django's storage API and are known by relative names such as
"certificates/K7MP4QRT-2.pdf". The configured store decides where they live: a folder under
MEDIA_ROOT on one machine, an S3-compatible bucket when web and workers run on different
hosts (docs/operations.md). No code opens a private file by path, so a name written by one
process resolves in every other, and rows written when the files lived under MEDIA_ROOT keep
resolving once the folder is copied into a bucket under the same keys.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse, Http404

# The names `publishing` gives its temporary files: ".<prefix>.<random>.tmp".
TEMPORARY_PATTERN = ".*.tmp"


def private_storage() -> Storage:
    return storages["default"]


def _is_local(storage: Storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def _staging_folder(storage: Storage, name: str) -> Path:
    # Beside the final file on a local store, so publishing is a rename within one filesystem;
    # otherwise in this host's own scratch folder, never in a folder other hosts would need.
    if _is_local(storage):
        return Path(storage.path(name)).parent
    return Path(settings.FILE_STAGING_DIR)


def _publish(storage: Storage, staged: Path, name: str) -> None:
    if _is_local(storage):
        os.replace(staged, storage.path(name))
        return
    # An object store makes a PUT, or a multipart upload once completed, visible whole or not at all.
    with staged.open("rb") as handle:
        stored = storage.save(name, File(handle, name=name))
    if stored != name:
        storage.delete(stored)
        raise ImproperlyConfigured(f"The file store saved {name} as {stored}: it must be set to overwrite.")


@contextmanager
def publishing(name: str, *, prefix: str) -> Iterator[BinaryIO]:
    """Write a private file in full, then publish it under `name` in one step.

    A reader sees the previous file or the new one, never part of one; a writer that fails or
    is interrupted publishes nothing, and one killed outright leaves only a temporary file that
    `stale_temporary_files_remove` clears.
    """
    storage = private_storage()
    folder = _staging_folder(storage, name)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{prefix}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _publish(storage, Path(temporary), name)
    finally:
        Path(temporary).unlink(missing_ok=True)


def stale_temporary_files_remove(*, folders: tuple[str, ...], written_before: datetime) -> int:
    """Delete temporary files `publishing` left in the given folders (and in this host's
    staging folder) that were last written before the cutoff."""
    storage = private_storage()
    places = [Path(settings.FILE_STAGING_DIR)]
    if _is_local(storage):
        places += [Path(storage.path(folder)) for folder in folders]
    removed = 0
    for place in places:
        for temporary in place.glob(TEMPORARY_PATTERN):
            try:
                if temporary.stat().st_mtime < written_before.timestamp():
                    temporary.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # another sweeper, or the writer's own clean-up, got there first
    return removed


def private_file_delete(name: str) -> None:
    """Remove a file no row points to any more; a file already gone is not an error."""
    if name:
        private_storage().delete(name)


def private_file_exists(name: str) -> bool:
    return bool(name) and private_storage().exists(name)


def private_file_open(name: str):
    """The stored file for reading; FileNotFoundError when it is gone, whatever the store."""
    return private_storage().open(name, "rb")


def private_file_read(name: str) -> bytes:
    with private_file_open(name) as handle:
        return handle.read()


def private_pdf_response(name: str, *, filename: str, missing: str) -> FileResponse:
    """A private PDF as a download that no shared cache keeps; a 404 saying `missing` when the
    file is gone. The caller has already checked who may have it."""
    try:
        handle = private_file_open(name)
    except FileNotFoundError as error:
        raise Http404(missing) from error
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response
