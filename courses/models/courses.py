"""Courses and their CME facts: topics, MOC registrations, faculty and their disclosures,
modules."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from courses.credit_wording import credit_amount
from courses.credits import validate_credit_step

# The name the first migration refers to; the rule itself lives in courses/credits.py.
validate_quarter_credits = validate_credit_step


# ACCME: an enduring material is reviewed at least every three years, so it may be offered
# for at most three years from its release before a review re-releases it.
ENDURING_MATERIAL_REVIEW_YEARS = 3


def latest_expiry_date(release_date: date) -> date:
    """The last day an enduring material released on `release_date` may be offered without review."""
    year = release_date.year + ENDURING_MATERIAL_REVIEW_YEARS
    try:
        return release_date.replace(year=year)
    except ValueError:  # released on 29 February; three years on there is none
        return release_date.replace(year=year, day=28)


class ActivityFormat(models.TextChoices):
    ENDURING_MATERIAL = "enduring_material", "Enduring material"
    INTERNET_LIVE_COURSE = "internet_live_course", "Internet live course"
    LIVE_COURSE = "live_course", "Live course"
    JOURNAL_BASED = "journal_based", "Journal-based CME"
    PERFORMANCE_IMPROVEMENT = "performance_improvement", "Performance improvement CME"


LIVE_FORMATS = (ActivityFormat.LIVE_COURSE, ActivityFormat.INTERNET_LIVE_COURSE)


class CourseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(models.QuerySet):
    def open_for_learners(self, *, today=None):
        """Published, released and not expired: what the catalog lists and learners may take."""
        today = today or timezone.localdate()
        return self.filter(status=CourseStatus.PUBLISHED, is_listed=True).filter(
            Q(release_date__isnull=True) | Q(release_date__lte=today),
            Q(expiry_date__isnull=True) | Q(expiry_date__gte=today),
        )


class Course(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400, help_text="One or two sentences for the catalog.")
    description = models.TextField(blank=True, help_text="Markdown.")
    topics = models.ManyToManyField(Topic, blank=True, related_name="courses")
    learning_objectives = models.JSONField(default=list, blank=True, help_text="Ordered list of objectives.")
    target_audience = models.TextField(blank=True)
    activity_format = models.CharField(
        max_length=30, choices=ActivityFormat.choices, default=ActivityFormat.ENDURING_MATERIAL
    )
    estimated_minutes = models.PositiveIntegerField(default=60)
    credits_max = models.DecimalField(
        "maximum credits", max_digits=5, decimal_places=2, validators=[validate_quarter_credits]
    )
    provider_name = models.CharField(max_length=200, default="Docere Faculty Development")
    accme_activity_id = models.CharField(
        "ACCME activity ID",
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{9}$", "An ACCME activity ID is 9 digits.")],
    )
    is_reported_to_pars = models.BooleanField(
        "reported to PARS",
        default=True,
        help_text="Untick only for an activity that is not reported to ACCME's PARS: it then needs no "
        "activity ID, and its completions are left out of PARS learner files.",
    )
    accreditation_statement = models.TextField(blank=True, help_text="Leave blank for the standard wording.")
    designation_statement = models.TextField(blank=True, help_text="Leave blank for the standard wording.")
    release_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    passing_score_percent = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    status = models.CharField(max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Goes up with every change to what the module pages show (authoring_services.course_content_changed):
    # the cached module content is keyed by it, so a learner never sees an outdated version.
    # Not editable: the admin bumps it in the database after every save of a course.
    content_revision = models.PositiveIntegerField(default=0, editable=False)
    # A live session's CME activity (programs.LiveSession.credit_activity) is reached from its
    # session, not from the catalog, and is never enrolled in from a course page.
    is_listed = models.BooleanField(
        "listed in the catalog", default=True, help_text="Untick for an activity reached only from a program."
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                name="course_credits_max_range", condition=Q(credits_max__gt=0) & Q(credits_max__lte=100)
            ),
            models.CheckConstraint(
                name="course_passing_score_range",
                condition=Q(passing_score_percent__gte=1) & Q(passing_score_percent__lte=100),
            ),
            models.CheckConstraint(
                name="course_expiry_after_release",
                condition=Q(release_date__isnull=True)
                | Q(expiry_date__isnull=True)
                | Q(expiry_date__gte=F("release_date")),
            ),
            models.CheckConstraint(name="course_status_valid", condition=Q(status__in=CourseStatus.values)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == CourseStatus.PUBLISHED

    @property
    def is_enduring_material(self) -> bool:
        return self.activity_format == ActivityFormat.ENDURING_MATERIAL

    def completion_date(self, completed_at) -> date:
        """The date certificates, transcripts and PARS give a completion. A program's live
        session (an unlisted live activity) is completed on the day it was held, which is its
        release date in the session's own time zone, whenever the attendee evaluates it."""
        if not self.is_listed and self.activity_format in LIVE_FORMATS and self.release_date:
            return self.release_date
        return timezone.localdate(completed_at)

    def is_expired(self, today=None) -> bool:
        return self.expiry_date is not None and (today or timezone.localdate()) > self.expiry_date

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        released = self.release_date is None or self.release_date <= today
        return self.is_published and released and not self.is_expired(today)

    @property
    def accreditation_statement_text(self) -> str:
        return self.accreditation_statement or (
            f"{self.provider_name} is accredited by the Accreditation Council for Continuing Medical "
            "Education (ACCME) to provide continuing medical education for physicians."
        )

    @property
    def designation_statement_text(self) -> str:
        if self.designation_statement:
            return self.designation_statement
        credits = credit_amount(self.credits_max) if self.credits_max is not None else "— AMA PRA Category 1 Credits™"
        return (
            f"{self.provider_name} designates this {self.get_activity_format_display().lower()} activity "
            f"for a maximum of {credits}. Physicians should claim only "
            "the credit commensurate with the extent of their participation in the activity."
        )


class MocBoard(models.TextChoices):
    """The certifying boards that take MOC completions from accredited CME through ACCME's PARS."""

    ABA = "ABA", "American Board of Anesthesiology (ABA)"
    ABIM = "ABIM", "American Board of Internal Medicine (ABIM)"
    ABOHNS = "ABOHNS", "American Board of Otolaryngology – Head and Neck Surgery (ABOHNS)"
    ABOS = "ABOS", "American Board of Orthopaedic Surgery (ABOS)"
    ABP = "ABP", "American Board of Pediatrics (ABP)"
    ABPATH = "ABPath", "American Board of Pathology (ABPath)"
    ABS = "ABS", "American Board of Surgery (ABS)"
    ABTS = "ABTS", "American Board of Thoracic Surgery (ABTS)"


class MocCreditType(models.TextChoices):
    # The label is the wording written into the PARS file's "Credit Type" column.
    MEDICAL_KNOWLEDGE = "medical_knowledge", "Medical Knowledge"
    LIFELONG_LEARNING = "lifelong_learning", "Lifelong Learning"
    SELF_ASSESSMENT = "self_assessment", "Self-Assessment"
    LIFELONG_LEARNING_SELF_ASSESSMENT = "lifelong_learning_self_assessment", "Lifelong Learning and Self-Assessment"
    PRACTICE_ASSESSMENT = "practice_assessment", "Practice Assessment"
    IMPROVEMENT_IN_PRACTICE = "improvement_in_practice", "Improvement in Medical Practice"
    PATIENT_SAFETY = "patient_safety", "Patient Safety"
    ACCREDITED_CME = "accredited_cme", "Accredited CME"


class CourseMocRegistration(models.Model):
    """The activity is registered in PARS for one board's MOC program, for this many points.

    Only a board the course is registered with receives MOC data for it; a learner of any
    other board is reported for CME only.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="moc_registrations")
    board = models.CharField(max_length=10, choices=MocBoard.choices)
    credit_type = models.CharField(max_length=40, choices=MocCreditType.choices)
    points = models.DecimalField(
        "MOC points",
        max_digits=5,
        decimal_places=2,
        validators=[validate_quarter_credits],
        help_text="The points registered in PARS for the whole activity.",
    )

    class Meta:
        ordering = ["board"]
        verbose_name = "MOC registration"
        constraints = [
            models.UniqueConstraint(fields=["course", "board"], name="moc_registration_once_per_board"),
            models.CheckConstraint(
                name="moc_registration_points_range", condition=Q(points__gt=0) & Q(points__lte=100)
            ),
            models.CheckConstraint(name="moc_registration_board_valid", condition=Q(board__in=MocBoard.values)),
            models.CheckConstraint(
                name="moc_registration_credit_type_valid", condition=Q(credit_type__in=MocCreditType.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.get_credit_type_display()}, {self.points} points"


class FacultyRole(models.TextChoices):
    PLANNER = "planner", "Planner"
    AUTHOR = "author", "Author"
    REVIEWER = "reviewer", "Reviewer"
    PRESENTER = "presenter", "Presenter"


class Faculty(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="faculty")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    degrees = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=10, choices=FacultyRole.choices, default=FacultyRole.AUTHOR)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "faculty"

    def __str__(self) -> str:
        return f"{self.name}, {self.degrees}" if self.degrees else self.name


class Disclosure(models.Model):
    """ACCME Standard 3: every person in control of content discloses, before the content."""

    faculty = models.ForeignKey(Faculty, on_delete=models.CASCADE, related_name="disclosures")
    has_no_relevant_relationships = models.BooleanField(
        "no relevant financial relationships",
        default=False,
        help_text="Tick when this person has nothing to disclose; otherwise name the company.",
    )
    ineligible_company = models.CharField(max_length=200, blank=True)
    relationship = models.CharField("nature of the relationship", max_length=200, blank=True)
    is_mitigated = models.BooleanField("relationship mitigated", default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="disclosure_names_company_or_nothing_to_disclose",
                condition=(Q(has_no_relevant_relationships=True) & Q(ineligible_company=""))
                | (Q(has_no_relevant_relationships=False) & ~Q(ineligible_company="")),
            ),
        ]

    def __str__(self) -> str:
        if self.has_no_relevant_relationships:
            return "No relevant financial relationships with ineligible companies"
        mitigated = " (mitigated)" if self.is_mitigated else ""
        return f"{self.ineligible_company}: {self.relationship}{mitigated}"


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. HTML is allowed but sanitized: no scripts or event handlers.")
    estimated_minutes = models.PositiveIntegerField(default=15)

    class Meta:
        ordering = ["course", "order"]
        constraints = [models.UniqueConstraint(fields=["course", "order"], name="module_order_unique_per_course")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"
