"""Reads of a learner's progress through a course: which modules are done and open, the
post-test attempts and grade, what to do next. Each read has a fixed number of queries,
whatever the number of modules or attempts (see tests/courses/test_query_counts.py)."""

import functools
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils.functional import Promise

from courses import grading
from courses.models import Attempt, Course, CourseStatus, Enrollment, Module, ModuleProgress, Quiz
from courses.module_content import ModuleContent, OutlineModule, module_page_content
from courses.selectors import post_test_for


@dataclass(frozen=True)
class ModuleStep:
    module: Module | OutlineModule
    is_complete: bool
    is_unlocked: bool
    # The module page's address (the module page reads it from the cached outline).
    path: str | Promise


@dataclass
class CourseProgress:
    enrollment: Enrollment
    modules: list[ModuleStep]
    post_test: Quiz | None
    attempts: list[Attempt] = field(default_factory=list)
    post_test_grade: Decimal | None = None

    @property
    def modules_completed(self) -> int:
        return sum(1 for step in self.modules if step.is_complete)

    @property
    def all_modules_complete(self) -> bool:
        return all(step.is_complete for step in self.modules)

    @property
    def has_passed(self) -> bool:
        return self.enrollment.post_test_passed_at is not None

    @property
    def attempts_used(self) -> int:
        return sum(1 for attempt in self.attempts if not attempt.is_open)

    @property
    def open_attempt(self) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.is_open), None)

    @property
    def attempts_left(self) -> int | None:
        if self.post_test is None or self.post_test.max_attempts == 0:
            return None
        return max(0, self.post_test.max_attempts - self.attempts_used)

    @property
    def percent(self) -> int:
        return progress_percent(
            modules_total=len(self.modules),
            modules_done=self.modules_completed,
            passed=self.has_passed,
            evaluated=self.enrollment.evaluation_submitted_at is not None,
        )

    @property
    def next_step(self) -> tuple[str, str]:
        return next_step_for(self.enrollment, modules_done=self.modules_completed, modules_total=len(self.modules))


def progress_percent(*, modules_total: int, modules_done: int, passed: bool, evaluated: bool) -> int:
    # The post-test and the evaluation count as steps beside the modules.
    steps = modules_total + 2
    done = modules_done + int(passed) + int(evaluated)
    return round(100 * done / steps) if steps else 0


def next_step_for(enrollment: Enrollment, *, modules_done: int, modules_total: int) -> tuple[str, str]:
    """(label, url) of what the learner should do next in this course."""
    slug = enrollment.course.slug
    if enrollment.completed_at:
        # The claim page decides between claiming and showing the certificate already claimed.
        return ("Claim credit or view your certificate", reverse("certificates:claim", args=[slug]))
    if enrollment.disclosures_acknowledged_at is None:
        return ("Review the faculty disclosures", reverse("courses:disclosures", args=[slug]))
    if modules_done < modules_total:
        return (f"Continue with module {modules_done + 1}", reverse("courses:module", args=[slug, modules_done + 1]))
    if enrollment.post_test_passed_at is None:
        return ("Take the post-test", reverse("courses:post_test", args=[slug]))
    return ("Complete the evaluation", reverse("courses:evaluation", args=[slug]))


def all_modules_complete(*, enrollment: Enrollment) -> bool:
    """Every module of the course has a completion row for this enrollment (one query)."""
    return (
        not Module.objects.filter(course_id=enrollment.course_id)
        .exclude(Exists(ModuleProgress.objects.filter(enrollment=enrollment, module=OuterRef("pk"))))
        .exists()
    )


def _module_steps(
    enrollment: Enrollment, modules_done: list[tuple[Module | OutlineModule, bool, str | Promise]]
) -> list[ModuleStep]:
    steps = []
    previous_complete = enrollment.disclosures_acknowledged_at is not None
    for module, is_complete, path in modules_done:
        # ACCME Std 3: disclosure before content; then modules open in order.
        steps.append(ModuleStep(module=module, is_complete=is_complete, is_unlocked=previous_complete, path=path))
        previous_complete = previous_complete and is_complete
    return steps


def _course_modules(enrollment: Enrollment) -> list[ModuleStep]:
    """Every module of the enrollment's course with its completion, in one query."""
    modules = (
        Module.objects.filter(course_id=enrollment.course_id)
        .order_by("order")
        .only("id", "course_id", "order", "title", "estimated_minutes")
        .annotate(is_done=Exists(ModuleProgress.objects.filter(enrollment=enrollment, module=OuterRef("pk"))))
    )
    slug = enrollment.course.slug
    return _module_steps(
        enrollment,
        # Lazy: of the pages that read progress, only the post-test's shows the modules' links.
        [(module, module.is_done, reverse_lazy("courses:module", args=[slug, module.order])) for module in modules],
    )


# The learner's own part of the module page: the enrollment and the few course fields the
# page shows, read in one query together with the completed modules' ids (a LEFT JOIN on
# module_progress gives one row per completed module, or one row with None).
_PAGE_ENROLLMENT_FIELDS = (
    "id",
    "user_id",
    "course_id",
    "disclosures_acknowledged_at",
    "post_test_passed_at",
    "evaluation_submitted_at",
    "completed_at",
)
_PAGE_COURSE_FIELDS = ("id", "slug", "title", "content_revision")


def _in_field_order(model, attnames) -> list[str]:
    # Model.from_db reads a subset of fields in the model's own field order.
    return [field.attname for field in model._meta.get_fields() if field.concrete and field.attname in attnames]


@functools.cache
def _module_page_rows() -> tuple[list[str], list[str], QuerySet]:
    """The module page's query without the learner and the course: its joins, filters and
    columns are the same on every view, so they are built once per process and each view
    adds its two filters to a copy (building them was a quarter of the page's own work)."""
    enrollment_fields = _in_field_order(Enrollment, _PAGE_ENROLLMENT_FIELDS)
    course_fields = _in_field_order(Course, _PAGE_COURSE_FIELDS)
    rows = Enrollment.objects.filter(course__status=CourseStatus.PUBLISHED, course__is_listed=True).values_list(
        *enrollment_fields, *(f"course__{name}" for name in course_fields), "module_progress__module_id"
    )
    return enrollment_fields, course_fields, rows


def module_page_read(*, user, slug: str, order: int) -> tuple[CourseProgress, ModuleContent | None] | None:
    """The learner's own enrollment in a published course with every module's completion,
    and the shared content of the module at `order` (None if there is none); None if there
    is no such enrollment. One query, and one read of the cache: the course's outline
    and the content are shared by every learner (courses/module_content.py); only the
    enrollment and which modules it completed are the learner's own."""
    enrollment_fields, course_fields, page_rows = _module_page_rows()
    queryset = page_rows.filter(user=user, course__slug=slug)
    rows = list(queryset)
    if not rows:
        return None
    first = rows[0]
    # Model.from_db is how the ORM itself builds instances from a row: these are ordinary,
    # saved model instances with the other fields deferred.
    enrollment = Enrollment.from_db(queryset.db, enrollment_fields, first[: len(enrollment_fields)])
    enrollment.course = Course.from_db(queryset.db, course_fields, first[len(enrollment_fields) : -1])
    done = {row[-1] for row in rows if row[-1] is not None}
    outline, content = module_page_content(course=enrollment.course, order=order)
    steps = _module_steps(enrollment, [(module, module.id in done, module.path) for module in outline])
    return CourseProgress(enrollment=enrollment, modules=steps, post_test=None), content


def course_progress_for(*, enrollment: Enrollment) -> CourseProgress:
    steps = _course_modules(enrollment)
    post_test = post_test_for(enrollment.course)
    attempts = (
        list(Attempt.objects.filter(enrollment=enrollment, quiz=post_test).order_by("number")) if post_test else []
    )
    progress = CourseProgress(enrollment=enrollment, modules=steps, post_test=post_test, attempts=attempts)
    if post_test:
        progress.post_test_grade = grading.overall_grade(
            method=post_test.grading_method,
            scores_in_order=[a.score_percent for a in attempts if a.score_percent is not None],
        )
    return progress


@dataclass(frozen=True)
class LearningRow:
    enrollment: Enrollment
    percent: int
    next_label: str
    next_url: str


def learning_overview_for(*, user) -> tuple[list[LearningRow], list[LearningRow]]:
    """(in progress, completed) enrollments with progress, in two queries whatever their number."""
    enrollments = (
        # A live session's credit activity (unlisted) is followed on its session's pages.
        Enrollment.objects.filter(user=user, course__is_listed=True)
        .select_related("course")
        .annotate(
            modules_total=Count("course__modules", distinct=True),
            modules_done=Count("module_progress", distinct=True),
        )
        .order_by("-enrolled_at")
    )
    in_progress, completed = [], []
    for enrollment in enrollments:
        label, url = next_step_for(
            enrollment, modules_done=enrollment.modules_done, modules_total=enrollment.modules_total
        )
        row = LearningRow(
            enrollment=enrollment,
            percent=progress_percent(
                modules_total=enrollment.modules_total,
                modules_done=enrollment.modules_done,
                passed=enrollment.post_test_passed_at is not None,
                evaluated=enrollment.evaluation_submitted_at is not None,
            ),
            next_label=label,
            next_url=url,
        )
        (completed if enrollment.completed_at else in_progress).append(row)
    return in_progress, completed
