"""Courses, their CME facts, modules, quizzes and the learner's record of taking them.

Invariants that must hold whatever writes the rows (admin, importers, services) are
database constraints; the rules that need several rows at once (a publishable course)
live in `courses.selectors.course_publication_problems`.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
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
        return self.filter(status=CourseStatus.PUBLISHED).filter(
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
        "ACCME activity ID", max_length=9, blank=True,
        validators=[RegexValidator(r"^[0-9]{9}$", "An ACCME activity ID is 9 digits.")],
    )
    is_reported_to_pars = models.BooleanField(
        "reported to PARS", default=True,
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
    # Goes up with every change to what the module pages show (services.course_content_changed):
    # the cached module content is keyed by it, so a learner never sees an outdated version.
    # Not editable: the admin bumps it in the database after every save of a course.
    content_revision = models.PositiveIntegerField(default=0, editable=False)

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
                condition=Q(release_date__isnull=True) | Q(expiry_date__isnull=True)
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
    points = models.DecimalField("MOC points", max_digits=5, decimal_places=2, validators=[validate_quarter_credits],
                                 help_text="The points registered in PARS for the whole activity.")

    class Meta:
        ordering = ["board"]
        verbose_name = "MOC registration"
        constraints = [
            models.UniqueConstraint(fields=["course", "board"], name="moc_registration_once_per_board"),
            models.CheckConstraint(name="moc_registration_points_range",
                                   condition=Q(points__gt=0) & Q(points__lte=100)),
            models.CheckConstraint(name="moc_registration_board_valid", condition=Q(board__in=MocBoard.values)),
            models.CheckConstraint(name="moc_registration_credit_type_valid",
                                   condition=Q(credit_type__in=MocCreditType.values)),
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
        "no relevant financial relationships", default=False,
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


class QuizKind(models.TextChoices):
    POST_TEST = "post_test", "Post-test"
    KNOWLEDGE_CHECK = "knowledge_check", "Knowledge check"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest attempt"
    LAST = "last", "Last attempt"
    FIRST = "first", "First attempt"
    AVERAGE = "average", "Average of attempts"


class LateSubmissionPolicy(models.TextChoices):
    GRADE_ANSWERS_IN_TIME = "grade_answers_in_time", "Grade the answers saved before time ran out"
    REJECT = "reject", "A late attempt is not counted (scored 0)"


class ReviewPolicy(models.TextChoices):
    SCORE_ONLY = "score_only", "Score only"
    AFTER_PASS = "after_pass", "Correct answers after passing"
    AFTER_LAST_ATTEMPT = "after_last_attempt", "Correct answers after passing or after the last attempt"
    ALWAYS = "always", "Correct answers after every attempt"


class Quiz(models.Model):
    """The post-test (its questions are the course's bank) or a module's knowledge check."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    module = models.OneToOneField(
        Module, on_delete=models.CASCADE, null=True, blank=True, related_name="knowledge_check"
    )
    kind = models.CharField(max_length=20, choices=QuizKind.choices)
    draw_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Questions drawn from the bank per attempt; blank = all of them."
    )
    shuffle_questions = models.BooleanField(default=True)
    shuffle_options = models.BooleanField(default=True)
    max_attempts = models.PositiveIntegerField(default=0, help_text="0 = unlimited.")
    grading_method = models.CharField(max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST)
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    late_submission_policy = models.CharField(
        max_length=30, choices=LateSubmissionPolicy.choices, default=LateSubmissionPolicy.GRADE_ANSWERS_IN_TIME
    )
    review_policy = models.CharField(max_length=20, choices=ReviewPolicy.choices, default=ReviewPolicy.AFTER_PASS)

    class Meta:
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=Q(kind="post_test"), name="one_post_test_per_course"
            ),
            models.CheckConstraint(
                name="knowledge_check_belongs_to_a_module",
                condition=(Q(kind="knowledge_check") & Q(module__isnull=False))
                | (Q(kind="post_test") & Q(module__isnull=True)),
            ),
            models.CheckConstraint(
                name="quiz_draw_count_positive", condition=Q(draw_count__isnull=True) | Q(draw_count__gte=1)
            ),
            models.CheckConstraint(
                name="quiz_time_limit_positive",
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == QuizKind.POST_TEST:
            return f"Post-test: {self.course}"
        return f"Knowledge check: {self.module}"

    @property
    def is_post_test(self) -> bool:
        return self.kind == QuizKind.POST_TEST


class QuestionType(models.TextChoices):
    SINGLE = "single", "Single answer"
    MULTIPLE = "multiple", "Multiple answers (weighted)"
    TRUE_FALSE = "true_false", "True / false"


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=10, choices=QuestionType.choices, default=QuestionType.SINGLE)
    # Moodle's question name (GIFT's ::title::): how authors and item analysis tell questions
    # apart. Learners never see it: a name such as "Statins — trap answer" can give it away.
    title = models.CharField(
        max_length=255, blank=True,
        help_text="Optional short name for authors and reports; learners never see it.",
    )
    stem = models.TextField(help_text="Markdown.")
    explanation = models.TextField(blank=True, help_text="Shown at review. Markdown.")

    class Meta:
        ordering = ["quiz", "order", "id"]

    def __str__(self) -> str:
        return self.stem[:80]


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField()
    # Single answer and true/false: 100 for the correct option, 0 otherwise. Multiple
    # answers: the share of the question's point this option is worth (may be negative).
    weight_percent = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))],
    )
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "order", "id"]
        constraints = [
            models.CheckConstraint(
                name="option_weight_range", condition=Q(weight_percent__gte=-100) & Q(weight_percent__lte=100)
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_correct(self) -> bool:
        return self.weight_percent > 0


class EvaluationKind(models.TextChoices):
    LIKERT = "likert", "Agreement (1–5)"
    TEXT = "text", "Free text"


class EvaluationItem(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="evaluation_items")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=EvaluationKind.choices)
    prompt = models.CharField(max_length=300)
    code = models.SlugField(max_length=60, blank=True, help_text="Stable code used by reports.")
    is_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["course", "order", "id"]

    def __str__(self) -> str:
        return self.prompt


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    disclosures_acknowledged_at = models.DateTimeField(null=True, blank=True)
    post_test_passed_at = models.DateTimeField(null=True, blank=True)
    evaluation_submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_user_and_course"),
            models.CheckConstraint(
                name="enrollment_completed_only_after_pass_and_evaluation",
                condition=Q(completed_at__isnull=True)
                | (Q(post_test_passed_at__isnull=False) & Q(evaluation_submitted_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ModuleProgress(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="module_progress")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "module progress"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "module"], name="one_progress_row_per_module"),
        ]

    def __str__(self) -> str:
        return f"{self.module} complete"


class Attempt(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The draw, frozen at start: [{"question": id, "options": [option ids in shown order]}].
    # Resuming shows the same questions; later bank edits never change this attempt.
    layout = models.JSONField(default=list)
    score_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    is_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["enrollment", "quiz", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "quiz", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["enrollment", "quiz"], condition=Q(submitted_at__isnull=True),
                name="one_open_attempt_per_enrollment_and_quiz",
            ),
            models.CheckConstraint(
                name="attempt_score_range",
                condition=Q(score_percent__isnull=True) | (Q(score_percent__gte=0) & Q(score_percent__lte=100)),
            ),
            models.CheckConstraint(
                name="attempt_graded_only_when_submitted",
                condition=Q(submitted_at__isnull=False) | Q(score_percent__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.enrollment}"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def question_ids(self) -> list[int]:
        return [entry["question"] for entry in self.layout]


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    selected_option_ids = models.JSONField(default=list)
    saved_at = models.DateTimeField(default=timezone.now)
    # Filled in at grading: the share of the question's point earned, 0–1.
    points = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question_per_attempt"),
            models.CheckConstraint(
                name="answer_points_range", condition=Q(points__isnull=True) | (Q(points__gte=0) & Q(points__lte=1))
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id} in attempt {self.attempt_id}"

    @property
    def is_correct(self) -> bool:
        return self.points is not None and self.points == 1


class EvaluationResponse(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="evaluation_responses")
    item = models.ForeignKey(EvaluationItem, on_delete=models.PROTECT, related_name="responses")
    likert_value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "item"], name="one_response_per_item_per_enrollment"),
            models.CheckConstraint(
                name="likert_value_range",
                condition=Q(likert_value__isnull=True) | (Q(likert_value__gte=1) & Q(likert_value__lte=5)),
            ),
        ]

    def __str__(self) -> str:
        return f"Response to “{self.item}”"
