"""Docere's side of LTI 1.3, on top of django-lti's models (registrations, deployments,
keys, contexts, resource links and platform users live in the `lti_tool` app).

A platform's user is linked to a Docere account by (issuer, subject) — never by subject
alone, which is unique only within one platform. A resource link is tied to one course.
A grade link is where a learner's post-test score goes back in the LMS gradebook; the row
records whether it has been sent, so the queue only ever carries hints.
"""

import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import LtiRegistration, LtiResourceLink

from courses.models import Course, Enrollment


def origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


class PlatformAccount(models.Model):
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_accounts")
    registration = models.ForeignKey(
        LtiRegistration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_platform_user")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class PlatformFraming(models.Model):
    """Which origins may show Docere in a frame after a launch from this platform."""

    registration = models.OneToOneField(LtiRegistration, on_delete=models.CASCADE, related_name="framing")
    frame_origins = models.TextField(
        blank=True,
        help_text="One origin per line, e.g. https://canvas.example.edu — the address learners see in "
        "their browser when the LMS shows Docere. Blank: the issuer's and the login URL's origins.",
    )

    def __str__(self) -> str:
        return f"Framing for {self.registration}"


def frame_origins_for(registration: LtiRegistration) -> list[str]:
    framing = PlatformFraming.objects.filter(registration=registration).first()
    lines = framing.frame_origins.splitlines() if framing else []
    origins = [origin_of(line) for line in lines] or [origin_of(registration.issuer), origin_of(registration.auth_url)]
    return sorted({origin for origin in origins if origin})


class CourseLink(models.Model):
    resource_link = models.OneToOneField(LtiResourceLink, on_delete=models.CASCADE, related_name="docere_course_link")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lti_links")

    def __str__(self) -> str:
        return f"{self.resource_link} → {self.course}"


class GradeStatus(models.TextChoices):
    NOT_DUE = "not_due", "Waiting for the learner to pass"
    PENDING = "pending", "Queued"
    SENT = "sent", "Sent to the LMS"
    FAILED = "failed", "Failed"


class GradeLink(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="grade_links")
    registration = models.ForeignKey(LtiRegistration, on_delete=models.CASCADE, related_name="+")
    lineitem_url = models.URLField(max_length=500)
    scopes = models.JSONField(default=list)
    platform_user_id = models.CharField(max_length=255, help_text="The learner's `sub` on the platform.")
    status = models.CharField(max_length=10, choices=GradeStatus.choices, default=GradeStatus.NOT_DUE)
    status_changed_at = models.DateTimeField(default=timezone.now)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # AGS 2.0 (score service, `timestamp`): when the score changed in the tool; a platform
    # ignores a score older than one it holds; so every try sends this, never "now".
    score_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the learner's score changed in Docere (the post-test pass)."
    )
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lineitem_url"], name="one_grade_link_per_line_item"),
            models.CheckConstraint(name="grade_status_valid", condition=Q(status__in=GradeStatus.values)),
            models.CheckConstraint(
                name="grade_due_has_a_score", condition=Q(status=GradeStatus.NOT_DUE) | Q(score_percent__isnull=False)
            ),
            models.CheckConstraint(
                name="grade_due_has_a_score_time",
                condition=Q(status=GradeStatus.NOT_DUE) | Q(score_changed_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"], name="grade_link_status_age")]

    def __str__(self) -> str:
        return f"{self.enrollment} → {self.lineitem_url} ({self.get_status_display().lower()})"


def handoff_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class LaunchHandoff(models.Model):
    """The way from a launch into a signed-in page, for a browser that may drop Docere's
    cookie inside the LMS's frame. The launch redirects to an arrival link; its first use
    either finds the session cookie (straight to the course) or hands the framed page a
    resume secret, posted — never put in a URL — to open the course in a new tab. Each is
    good once, for five minutes; only digests are stored."""

    arrival_key = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token in the arrival link.")
    resume_key = models.CharField(
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text="SHA-256 of the secret the framed page posts to open a new tab.",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    registration = models.ForeignKey(
        LtiRegistration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="handoff_resumes_after_arrival", condition=Q(resumed_at__isnull=True) | Q(arrived_at__isnull=False)
            ),
            models.CheckConstraint(
                name="handoff_resumes_with_a_secret", condition=Q(resumed_at__isnull=True) | Q(resume_key__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"Launch of {self.course} at {self.created_at:%Y-%m-%d %H:%M}"
