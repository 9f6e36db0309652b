"""Each participant's project at their home institution: proposal, milestones, final
report, facilitator feedback, and an opt-in public showcase once it is complete."""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from programs.models import Institution, Participant

FINAL_REPORT_DIR = "projects/final-reports"
# Under the proxy's 20 MB body limit (deploy/nginx), with room for the rest of the form.
FINAL_REPORT_MAX_BYTES = 15 * 1024 * 1024


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    IN_PROGRESS = "in_progress", "In progress"
    REPORT_SUBMITTED = "report_submitted", "Final report submitted"
    # The facilitator accepted the final report: what program completion asks for.
    COMPLETED = "completed", "Completed"


def final_report_upload_to(project: "Project", filename: str) -> str:
    return f"{FINAL_REPORT_DIR}/{project.pk}/{timezone.now():%Y%m%d%H%M%S%f}.pdf"


class Project(models.Model):
    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="project")
    title = models.CharField(max_length=200)
    aim = models.TextField(help_text="What the project sets out to change, and for whom.")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="projects")
    team = models.TextField(blank=True, help_text="Who works on it with you: one name and role per line.")
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED)
    final_report = models.FileField(
        upload_to=final_report_upload_to, blank=True, validators=[FileExtensionValidator(["pdf"])]
    )
    final_report_submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Opt-in, by the participant: a completed project then appears on the public showcase.
    is_showcased = models.BooleanField("show on the public project showcase", default=False)
    showcase_summary = models.TextField(blank=True, help_text="What the public showcase says about the project.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["participant__cohort", "title"]
        constraints = [
            models.CheckConstraint(name="project_status_valid", condition=Q(status__in=ProjectStatus.values)),
            models.CheckConstraint(
                name="completed_project_says_when",
                condition=~Q(status=ProjectStatus.COMPLETED) | Q(completed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="submitted_project_has_its_report",
                condition=~Q(status__in=[ProjectStatus.REPORT_SUBMITTED, ProjectStatus.COMPLETED])
                | (~Q(final_report="") & Q(final_report_submitted_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="only_completed_projects_are_showcased",
                condition=Q(is_showcased=False) | Q(status=ProjectStatus.COMPLETED),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["project", "order"]
        constraints = [
            models.UniqueConstraint(fields=["project", "order"], name="milestone_order_unique_per_project"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def was_on_time(self) -> bool | None:
        return None if self.completed_on is None else self.completed_on <= self.due_date


class ProjectFeedback(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "created_at"]
        verbose_name_plural = "project feedback"

    def __str__(self) -> str:
        return f"Feedback on {self.project} by {self.author}"
