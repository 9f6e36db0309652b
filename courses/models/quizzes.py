"""Quizzes (knowledge checks and the post-test), their questions and options, and the
evaluation's items."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from courses.models.courses import Course, Module


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


# How a post-test is delivered and graded: the settings an author sets in the admin and a
# course file carries, in that order.
POST_TEST_SETTING_FIELDS = (
    "draw_count",
    "shuffle_questions",
    "shuffle_options",
    "max_attempts",
    "grading_method",
    "time_limit_minutes",
    "late_submission_policy",
    "review_policy",
)


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
            models.UniqueConstraint(fields=["course"], condition=Q(kind="post_test"), name="one_post_test_per_course"),
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
        max_length=255,
        blank=True,
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
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
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
