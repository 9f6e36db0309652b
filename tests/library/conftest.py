import pytest
from django.core.files.base import ContentFile

from library.models import Resource

PDF_BYTES = b"%PDF-1.7\n% a small stand-in document\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def resource(db):
    resource = Resource(
        slug="mededs-horizon",
        title="MedEd's horizon compendium",
        description="Essays on where medical education is going.",
    )
    resource.file.save("mededs-horizon.pdf", ContentFile(PDF_BYTES), save=False)
    resource.save()
    return resource
