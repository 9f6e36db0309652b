"""The registration-gated resource library: documents anyone may see listed and only a
verified account may download. Files live in private storage under resources/ (lms/files.py),
which has no URL of its own; `library.views.download` is the only way out."""

from pathlib import Path

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

RESOURCE_EXTENSIONS = ["pdf", "epub", "docx", "odt", "pptx", "odp", "xlsx", "ods", "zip"]
COVER_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]


class Resource(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the download's file name.")
    description = models.TextField(help_text="Plain text: what the document is and who it is for.")
    cover = models.ImageField(
        upload_to="resources/covers/",
        blank=True,
        validators=[FileExtensionValidator(COVER_EXTENSIONS)],
        help_text="Optional image shown in the list (PNG, JPEG or WebP).",
    )
    file = models.FileField(
        upload_to="resources/",
        validators=[FileExtensionValidator(RESOURCE_EXTENSIONS)],
        help_text="PDF or a similar document; stored privately and served only to verified accounts.",
    )
    is_listed = models.BooleanField(default=True, help_text="Untick to take it off /resources/ without deleting it.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:download", args=[self.slug])

    @property
    def extension(self) -> str:
        return Path(self.file.name).suffix.lower()

    @property
    def download_name(self) -> str:
        return f"{self.slug}{self.extension}"

    @property
    def file_type(self) -> str:
        return self.extension.lstrip(".").upper()

    @property
    def size_bytes(self) -> int | None:
        try:
            return self.file.size
        except OSError:
            return None


class ResourceDownload(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_downloads")
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at", "-id"]
        indexes = [models.Index(fields=["downloaded_at"], name="resourcedownload_at")]

    def __str__(self) -> str:
        return f"{self.resource} downloaded by {self.user} at {self.downloaded_at:%Y-%m-%d %H:%M}"
