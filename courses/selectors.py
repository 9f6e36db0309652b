"""Reads for the course pages. Each list read has a fixed number of queries, whatever
the number of courses, modules or attempts (see tests/courses/test_query_counts.py)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from courses import grading
from courses.models import (
    Attempt,
    Course,
    CourseStatus,
    Disclosure,
    Enrollment,
    Faculty,
    Module,
    ModuleProgress,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
    ReviewPolicy,
)

CATALOG_PAGE_SIZE = 12


def catalog_courses(*, search: str = "", topic_slug: str = "", activity_format: str = "",
                    credits: str = "") -> QuerySet[Course]:
    courses = Course.objects.open_for_learners().prefetch_related("topics")
    if search:
        courses = courses.filter(Q(title__icontains=search) | Q(summary__icontains=search)
                                 | Q(topics__name__icontains=search)).distinct()
    if topic_slug:
        courses = courses.filter(topics__slug=topic_slug)
    if activity_format:
        courses = courses.filter(activity_format=activity_format)
    if credits == "up-to-1":
        courses = courses.filter(credits_max__lte=1)
    elif credits == "1-to-2":
        courses = courses.filter(credits_max__gt=1, credits_max__lte=2)
    elif credits == "over-2":
        courses = courses.filter(credits_max__gt=2)
    return courses.order_by("title")


def course_for_detail_page(*, slug: str, include_unpublished: bool = False) -> Course:
    """A course with everything ACCME wants shown before starting, in a fixed number of queries."""
    courses = Course.objects.all() if include_unpublished else Course.objects.filter(status="published")
    return courses.prefetch_related(
        "topics",
        Prefetch("faculty", queryset=Faculty.objects.prefetch_related(
            Prefetch("disclosures", queryset=Disclosure.objects.order_by("id")))),
        Prefetch("modules", queryset=Module.objects.order_by("order").only(
            "id", "course_id", "order", "title", "estimated_minutes")),
    ).get(slug=slug)


def enrollment_for(*, user, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def post_test_for(course: Course) -> Quiz | None:
    return Quiz.objects.filter(course=course, kind=QuizKind.POST_TEST).first()


@dataclass(frozen=True)
class ModuleStep:
    module: Module
    is_complete: bool
    is_unlocked: bool


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
            modules_total=len(self.modules), modules_done=self.modules_completed,
            passed=self.has_passed, evaluated=self.enrollment.evaluation_submitted_at is not None,
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
    return not Module.objects.filter(course_id=enrollment.course_id).exclude(
        Exists(ModuleProgress.objects.filter(enrollment=enrollment, module=OuterRef("pk")))).exists()


def _module_steps(enrollment: Enrollment, modules_done: list[tuple[Module, bool]]) -> list[ModuleStep]:
    steps = []
    previous_complete = enrollment.disclosures_acknowledged_at is not None
    for module, is_complete in modules_done:
        # ACCME Std 3: disclosure before content; then modules open in order.
        steps.append(ModuleStep(module=module, is_complete=is_complete, is_unlocked=previous_complete))
        previous_complete = previous_complete and is_complete
    return steps


_MODULE_PAGE_SQL = """
SELECT e.id, e.user_id, e.course_id, e.enrolled_at, e.disclosures_acknowledged_at, e.post_test_passed_at,
       e.evaluation_submitted_at, e.completed_at,
       c.slug AS course_slug, c.title AS course_title, c.content_revision AS course_content_revision,
       m.id AS module_id, m.{order} AS module_order, m.title AS module_title,
       m.estimated_minutes AS module_estimated_minutes, p.id IS NOT NULL AS module_is_done
FROM {enrollment} e
JOIN {course} c ON c.id = e.course_id
LEFT JOIN {module} m ON m.course_id = c.id
-- At most one row: (enrollment, module) is unique.
LEFT JOIN {progress} p ON p.enrollment_id = e.id AND p.module_id = m.id
WHERE e.user_id = %s AND c.slug = %s AND c.status = %s
ORDER BY m.{order}
"""


def module_page_progress(*, user, slug: str) -> CourseProgress | None:
    """The learner's own enrollment in a published course, with the course and every module's
    completion, in one query; None if there is no such enrollment.

    This is the module page's whole read, on the hottest path of the site. Written through
    the ORM it cost 3.3 ms, most of it compiling two joined queries; as one raw query, with
    the ORM still converting the enrollment's columns, it costs 0.9 ms. Only the fields the
    module page shows are loaded; anything else is fetched on access."""
    sql = _MODULE_PAGE_SQL.format(
        order=connection.ops.quote_name("order"), progress=ModuleProgress._meta.db_table,
        enrollment=Enrollment._meta.db_table, course=Course._meta.db_table, module=Module._meta.db_table,
    )
    rows = list(Enrollment.objects.raw(sql, [user.pk, slug, CourseStatus.PUBLISHED]))
    if not rows:
        return None
    enrollment = rows[0]
    database = enrollment._state.db
    enrollment.course = Course.from_db(
        database, ["id", "slug", "title", "content_revision"],
        [enrollment.course_id, enrollment.course_slug, enrollment.course_title, enrollment.course_content_revision],
    )
    modules = [
        (Module.from_db(database, ["id", "course_id", "order", "title", "estimated_minutes"],
                        [row.module_id, enrollment.course_id, row.module_order, row.module_title,
                         row.module_estimated_minutes]), bool(row.module_is_done))
        for row in rows if row.module_id is not None
    ]
    return CourseProgress(enrollment=enrollment, modules=_module_steps(enrollment, modules), post_test=None)


def course_progress_for(*, enrollment: Enrollment) -> CourseProgress:
    modules = (
        Module.objects.filter(course_id=enrollment.course_id).order_by("order")
        .only("id", "course_id", "order", "title", "estimated_minutes")
        .annotate(is_done=Exists(ModuleProgress.objects.filter(enrollment=enrollment, module=OuterRef("pk"))))
    )
    steps = _module_steps(enrollment, [(module, module.is_done) for module in modules])
    post_test = post_test_for(enrollment.course)
    attempts = list(Attempt.objects.filter(enrollment=enrollment, quiz=post_test).order_by("number")) if post_test else []
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
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .annotate(
            modules_total=Count("course__modules", distinct=True),
            modules_done=Count("module_progress", distinct=True),
        )
        .order_by("-enrolled_at")
    )
    in_progress, completed = [], []
    for enrollment in enrollments:
        label, url = next_step_for(enrollment, modules_done=enrollment.modules_done,
                                   modules_total=enrollment.modules_total)
        row = LearningRow(
            enrollment=enrollment,
            percent=progress_percent(
                modules_total=enrollment.modules_total, modules_done=enrollment.modules_done,
                passed=enrollment.post_test_passed_at is not None,
                evaluated=enrollment.evaluation_submitted_at is not None,
            ),
            next_label=label, next_url=url,
        )
        (completed if enrollment.completed_at else in_progress).append(row)
    return in_progress, completed


def module_for_player(*, course: Course, order: int) -> Module:
    return (
        Module.objects.select_related("course")
        .prefetch_related(Prefetch("knowledge_check__questions", queryset=Question.objects.prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "id")))))
        .get(course=course, order=order)
    )


@dataclass(frozen=True)
class QuestionResult:
    """What a learner may see about one graded question."""

    question: Question
    options: list[Option]
    selected_ids: list[int]
    points: Decimal

    @property
    def is_correct(self) -> bool:
        return self.points == 1


def knowledge_check_result(*, question: Question, selected_ids: list[int]) -> QuestionResult:
    options = list(question.options.all())
    points = grading.question_points(
        question_type=question.type,
        weights_by_option={option.id: option.weight_percent for option in options},
        selected=selected_ids,
    )
    return QuestionResult(question=question, options=options, selected_ids=selected_ids, points=points)


def attempt_for_learner(*, user, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's raises DoesNotExist (a 404 for the view)."""
    return Attempt.objects.select_related("quiz", "enrollment__course").get(pk=attempt_id, enrollment__user=user)


@dataclass(frozen=True)
class AttemptQuestion:
    number: int
    question: Question
    options: list[Option]
    selected_ids: list[int]
    points: Decimal | None


def attempt_questions(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's frozen draw in its frozen order, with the learner's saved answers."""
    questions = {q.id: q for q in Question.objects.filter(id__in=attempt.question_ids)}
    options = {o.id: o for o in Option.objects.filter(question_id__in=attempt.question_ids)}
    answers = {a.question_id: a for a in attempt.answers.all()}
    rows = []
    for number, entry in enumerate(attempt.layout, start=1):
        answer = answers.get(entry["question"])
        rows.append(AttemptQuestion(
            number=number,
            question=questions[entry["question"]],
            options=[options[option_id] for option_id in entry["options"] if option_id in options],
            selected_ids=list(answer.selected_option_ids) if answer else [],
            points=answer.points if answer else None,
        ))
    return rows


def may_review_answers(*, attempt: Attempt, progress: CourseProgress) -> bool:
    """Whether correct answers and feedback may be shown, by the quiz's review policy."""
    if attempt.is_open:
        return False
    policy = attempt.quiz.review_policy
    if policy == ReviewPolicy.ALWAYS:
        return True
    if policy == ReviewPolicy.AFTER_PASS:
        return progress.has_passed
    if policy == ReviewPolicy.AFTER_LAST_ATTEMPT:
        return progress.has_passed or progress.attempts_left == 0
    return False


def quiz_has_submitted_attempts(quiz: Quiz) -> bool:
    return Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).exists()


def course_publication_problems(course: Course) -> list[str]:
    """Every reason this course cannot be published, all at once, so an author fixes them in one pass."""
    problems: list[str] = []
    if (course.credits_max * 4) != (course.credits_max * 4).to_integral_value():
        problems.append(f"Maximum credits {course.credits_max} is not a multiple of 0.25.")
    if not 1 <= course.passing_score_percent <= 100:
        problems.append(f"Passing score {course.passing_score_percent}% is outside 1–100%.")
    if course.release_date and course.expiry_date and course.expiry_date < course.release_date:
        problems.append("The expiry date is before the release date.")
    if not course.accreditation_statement_text.strip():
        problems.append("The accreditation statement is missing.")
    if not course.designation_statement_text.strip():
        problems.append("The AMA PRA designation statement is missing.")
    if not course.learning_objectives:
        problems.append("The course has no learning objectives.")
    modules = list(course.modules.all())
    if not modules:
        problems.append("The course has no modules.")
    elif [module.order for module in modules] != list(range(1, len(modules) + 1)):
        problems.append("Modules must be numbered 1, 2, 3 … without gaps (learners open them in that order).")
    faculty = list(course.faculty.annotate(disclosure_count=Count("disclosures")))
    if not faculty:
        problems.append("No faculty are listed (ACCME requires the planners and authors to disclose).")
    for person in faculty:
        if person.disclosure_count == 0:
            problems.append(f"{person.name} has no disclosure record (use “no relevant financial relationships” if none).")
    # ACCME Standard 3: relevant relationships are mitigated before the activity reaches learners.
    for disclosure in Disclosure.objects.filter(faculty__course=course, has_no_relevant_relationships=False,
                                                is_mitigated=False).select_related("faculty"):
        problems.append(f"{disclosure.faculty.name}'s relationship with {disclosure.ineligible_company} is not marked mitigated.")
    post_test = post_test_for(course)
    if post_test is None:
        problems.append("The course has no post-test.")
    quizzes = Quiz.objects.filter(course=course).select_related("module").prefetch_related(
        Prefetch("questions", queryset=Question.objects.prefetch_related("options")))
    for quiz in quizzes:
        bank = list(quiz.questions.all())
        if quiz.is_post_test:
            if not bank:
                problems.append("The post-test question bank is empty.")
            elif quiz.draw_count and quiz.draw_count > len(bank):
                problems.append(f"The post-test draws {quiz.draw_count} questions but the bank has only {len(bank)}.")
        for index, question in enumerate(bank, start=1):
            problems.extend(question_problems(question, label=f"{quiz_label(quiz)}, question {index}"))
    return problems


def quiz_label(quiz: Quiz) -> str:
    return "Post-test" if quiz.is_post_test else f"Knowledge check of module {quiz.module.order}"


def question_problems(question: Question, *, label: str) -> list[str]:
    options = list(question.options.all())
    weights = [option.weight_percent for option in options]
    problems = []
    if len(options) < 2:
        problems.append(f"{label} has fewer than two options.")
    if question.type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        correct = sum(1 for weight in weights if weight > 0)
        kind = "true/false" if question.type == QuestionType.TRUE_FALSE else "single-answer"
        if correct != 1:
            problems.append(f"{label} is {kind} but has {correct} correct options (it needs exactly one).")
        elif any(weight not in (0, 100) for weight in weights):
            problems.append(f"{label} is {kind}: its correct option is worth 100% and the others 0%.")
    if question.type == QuestionType.TRUE_FALSE and sorted(o.text.strip() for o in options) != ["False", "True"]:
        problems.append(f"{label} is true/false but its options are not exactly “True” and “False”.")
    if question.type == QuestionType.MULTIPLE:
        positive = sum((weight for weight in weights if weight > 0), Decimal(0))
        if abs(positive - 100) > Decimal("0.05"):
            problems.append(f"{label} has positive weights summing to {positive.normalize():f}% (they must sum to 100%).")
    return problems
