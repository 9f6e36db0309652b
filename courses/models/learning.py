"""A learner's record of taking a course: enrolment, module progress, post-test attempts
and their answers, evaluation responses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from courses.models.courses import Course, Module
from courses.models.quizzes import EvaluationItem, Question, Quiz


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(default=timezone.now)
    disclosures_acknowledged_at = models.DateTimeField(null=True, blank=True)
    post_test_passed_at = models.DateTimeField(null=True, blank=True)
    # For a live activity (a program's live session designated for credit) attendance takes
    # the place of the post-test: recorded by a facilitator or a check-in, never by the learner.
    attended_at = models.DateTimeField(null=True, blank=True)
    evaluation_submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_user_and_course"),
            models.CheckConstraint(
                name="enrollment_completed_only_after_pass_and_evaluation",
                condition=Q(completed_at__isnull=True)
                | (
                    (Q(post_test_passed_at__isnull=False) | Q(attended_at__isnull=False))
                    & Q(evaluation_submitted_at__isnull=False)
                ),
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
                fields=["enrollment", "quiz"],
                condition=Q(submitted_at__isnull=True),
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
