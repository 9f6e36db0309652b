"""Certificate PDFs with WeasyPrint: archival (PDF/A-3b), tagged for screen readers,
fonts embedded, and no network access while rendering."""

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates.models import LOOK_UPLOAD_DIR, Certificate, CertificateLook
from courses.selectors import certificate_signatory
from lms.files import private_file_delete, private_file_read, publishing
from lms.qr import qr_svg

# PDF/A-3b plus a structure tree: archival and accessible (the "a" conformance level in
# practice); see docs/benchmarks.md for what the variant costs per certificate.
PDF_OPTIONS = {"pdf_variant": "pdf/a-3b", "pdf_tags": True}
CERTIFICATE_DIR = "certificates"
# Look images are read from private storage, wherever it is, under this made-up scheme: a
# worker on another host than the web has no path to an uploaded logo.
PRIVATE_FILE_SCHEME = "docere-private:"


class ProjectFilesOnlyFetcher(URLFetcher):
    """Serves the project's own static files and per-course look images; refuses
    everything else, so authored content can never make the worker reach the network."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"})

    @property
    def allowed_roots(self) -> list[Path]:
        return [Path(p).resolve() for p in settings.STATICFILES_DIRS]

    def fetch(self, url, headers=None):
        if url.startswith(PRIVATE_FILE_SCHEME):
            return self._look_image(url)
        if not url.startswith("file://"):
            raise ValueError(f"Refused to fetch {url[:60]!r}: certificates use only local files.")
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if not any(path.is_relative_to(root) for root in self.allowed_roots):
            raise ValueError(f"Refused to fetch {path}: outside the project's static files.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def _look_image(self, url: str) -> URLFetcherResponse:
        name = unquote(url.removeprefix(PRIVATE_FILE_SCHEME))
        # Only certificate-look uploads: never a learner's certificate or an export.
        if not name.startswith(f"{LOOK_UPLOAD_DIR}/") or ".." in name.split("/"):
            raise ValueError(f"Refused to fetch {name[:60]!r}: not a certificate-look image.")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=private_file_read(name), headers={"Content-Type": content_type})


def private_image_url(image) -> str:
    return f"{PRIVATE_FILE_SCHEME}{quote(image.name)}" if image else ""


@cache
def _font_config() -> FontConfiguration:
    # One FontConfiguration per worker process: building it scans the system fonts.
    return FontConfiguration()


@cache
def _stylesheet() -> CSS:
    # Parsed once per process and reused for every certificate.
    css_path = finders.find("certificates/certificate.css")
    return CSS(filename=css_path, font_config=_font_config())


@cache
def _fetcher() -> ProjectFilesOnlyFetcher:
    return ProjectFilesOnlyFetcher()


def warm_renderer() -> None:
    """Render a sample certificate, kept in memory only: the stylesheet, the font configuration,
    the fonts it names and WeasyPrint's own first-use work are then done before the first
    learner's certificate needs them."""
    sample = Certificate(
        code="WARMUP0000",
        learner_name="Docere",
        course_title="Docere",
        provider_name="Docere",
        completion_date=date(2000, 1, 1),
        credits=Decimal("1.00"),
        created_at=datetime(2000, 1, 1, tzinfo=UTC),
    )
    html_to_pdf(certificate_html(sample))


def certificate_html(certificate: Certificate, *, look: CertificateLook | None = None) -> str:
    if look is None and certificate.course_id is not None:
        look = CertificateLook.objects.filter(course_id=certificate.course_id).first()
    return render_to_string(
        "certificates/pdf/certificate.html",
        {
            "certificate": certificate,
            "look": look,
            "signatory": certificate_signatory(look),
            "accent": look.accent_colour if look else "#0B5F73",
            "logo_url": private_image_url(look.logo) if look else "",
            "signature_url": private_image_url(look.signature_image) if look else "",
            "qr_svg": qr_svg(certificate.verify_url),
        },
    )


def html_to_pdf(html: str, *, base_dir: Path | None = None, **options) -> bytes:
    base_url = (base_dir or Path(settings.BASE_DIR) / "static").as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[_stylesheet()], font_config=_font_config(), **{**PDF_OPTIONS, **options})


def render_certificate_pdf(certificate: Certificate) -> bytes:
    return html_to_pdf(certificate_html(certificate))


@dataclass(frozen=True)
class StoredPdf:
    path: str  # the name in private storage
    size: int
    sha256: str


def pdf_relative_path(*, code: str, generation: int) -> str:
    """The name a generation's PDF is kept under in private storage.

    One file per generation: a late render of an older snapshot writes beside the newer
    file instead of over it, and the row names the file that is current.
    """
    return f"{CERTIFICATE_DIR}/{code}-{generation}.pdf"


def store_pdf(*, code: str, generation: int, pdf: bytes) -> StoredPdf:
    """Store the PDF atomically: a reader sees the old file or the new one, never half of one.

    A retried render of the same generation replaces its file instead of leaving an orphan.
    """
    relative = pdf_relative_path(code=code, generation=generation)
    with publishing(relative, prefix=code) as handle:
        handle.write(pdf)
    return StoredPdf(path=relative, size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest())


def discard_pdf(relative: str) -> None:
    """Remove a file no row points to any more (an older generation's, or a stale render's)."""
    private_file_delete(relative)


def stored_pdf_bytes(certificate: Certificate) -> bytes:
    return private_file_read(certificate.pdf_path)
