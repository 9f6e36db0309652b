"""The rule for an uploaded PDF (a letter of support, a project's final report): at most a
given size, and a PDF by its first bytes. Each caller words the refusal for its own page."""

from django.core.files.uploadedfile import UploadedFile

PDF_SIGNATURE = b"%PDF-"


def pdf_upload_problem(upload: UploadedFile, *, max_bytes: int, too_large: str, not_pdf: str) -> str | None:
    """The refusal to show (`too_large` with its {limit_mb} filled in, or `not_pdf`), or None
    for an acceptable PDF; the upload is left at its start, ready to be saved."""
    if upload.size > max_bytes:
        return too_large.format(limit_mb=max_bytes // (1024 * 1024))
    # The name and the browser's content type are the sender's say-so; the first bytes are not.
    upload.seek(0)
    starts_with = upload.read(len(PDF_SIGNATURE))
    upload.seek(0)
    return not_pdf if starts_with != PDF_SIGNATURE else None
