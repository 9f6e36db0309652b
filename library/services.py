"""Writes for the resource library: logging a download, and the demo resource."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from library.models import Resource, ResourceDownload

DEMO_RESOURCE_SLUG = "reading-guide-equity-in-clinical-teaching"
DEMO_RESOURCE_TITLE = "Reading guide: equity in clinical teaching"
DEMO_RESOURCE_DESCRIPTION = (
    "A two-page companion for faculty who teach at the bedside and in clinic: five questions to ask of "
    "your own teaching, a short structure for feedback that names behaviour rather than the person, and "
    "prompts for a journal club or faculty meeting. Written for the MedEd's horizon series."
)


def resource_download_record(*, resource: Resource, user) -> ResourceDownload:
    return ResourceDownload.objects.create(resource=resource, user=user, downloaded_at=timezone.now())


def demo_resource_pdf() -> bytes:
    # Imported here: WeasyPrint loads Pango and fonts, which only this function needs.
    from weasyprint import HTML

    html = render_to_string("library/pdf/reading_guide.html", {"title": DEMO_RESOURCE_TITLE})
    # Tagged, so screen readers follow headings, lists and the table.
    return HTML(string=html).write_pdf(pdf_tags=True)


def demo_resource_ensure() -> Resource:
    """The demo library's one original document, created once (idempotent, for seed_demo)."""
    existing = Resource.objects.filter(slug=DEMO_RESOURCE_SLUG).first()
    if existing is not None:
        return existing
    pdf = demo_resource_pdf()
    with transaction.atomic():
        resource = Resource(slug=DEMO_RESOURCE_SLUG, title=DEMO_RESOURCE_TITLE, description=DEMO_RESOURCE_DESCRIPTION)
        resource.file.save(f"{DEMO_RESOURCE_SLUG}.pdf", ContentFile(pdf), save=False)
        resource.full_clean()
        resource.save()
    return resource
