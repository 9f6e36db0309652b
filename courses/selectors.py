"""Reads for the course pages. Each list read has a fixed number of queries, whatever
the number of courses, modules or attempts (see tests/courses/test_query_counts.py)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from courses import grading
from courses.credits import CREDIT_STEP, is_on_credit_step
from courses.models import (
    Attempt,
    Course,
    Disclosure,
    Enrollment,
    Faculty,
    Module,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
    ReviewPolicy,
    latest_expiry_date,
)
from courses.option_tokens import option_token

if TYPE_CHECKING:
    from courses.progress import CourseProgress

CATALOG_PAGE_SIZE = 12


def catalog_courses(
    *, search: str = "", topic_slug: str = "", activity_format: str = "", credits: str = ""
) -> QuerySet[Course]:
    courses = Course.objects.open_for_learners().prefetch_related("topics")
    if search:
        courses = courses.filter(
            Q(title__icontains=search) | Q(summary__icontains=search) | Q(topics__name__icontains=search)
        ).distinct()
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
    # An unlisted course is a live session's credit activity: reached from its session page,
    # never as a self-paced course.
    courses = Course.objects.all() if include_unpublished else Course.objects.filter(status="published", is_listed=True)
    return courses.prefetch_related(
        "topics",
        Prefetch(
            "faculty",
            queryset=Faculty.objects.prefetch_related(
                Prefetch("disclosures", queryset=Disclosure.objects.order_by("id"))
            ),
        ),
        Prefetch(
            "modules",
            queryset=Module.objects.order_by("order").only("id", "course_id", "order", "title", "estimated_minutes"),
        ),
    ).get(slug=slug)


def enrollment_for(*, user, course: Course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def post_test_for(course: Course) -> Quiz | None:
    return Quiz.objects.filter(course=course, kind=QuizKind.POST_TEST).first()


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
class AttemptChoice:
    """One option as the attempt page offers it: its value is this attempt's token for it
    (see courses/option_tokens.py), its position the place it is shown at."""

    position: int
    value: str
    option: Option
    is_selected: bool

    @property
    def text(self) -> str:
        return self.option.text


@dataclass(frozen=True)
class AttemptQuestion:
    number: int
    question: Question
    options: list[Option]
    selected_ids: list[int]
    points: Decimal | None
    choices: list[AttemptChoice]

    @property
    def input_type(self) -> str:
        """The form control each choice is shown with: several may be chosen, or one."""
        return "checkbox" if self.question.type == QuestionType.MULTIPLE else "radio"


def attempt_questions(*, attempt: Attempt) -> list[AttemptQuestion]:
    """The attempt's frozen draw in its frozen order, with the learner's saved answers."""
    questions = {q.id: q for q in Question.objects.filter(id__in=attempt.question_ids)}
    options = {o.id: o for o in Option.objects.filter(question_id__in=attempt.question_ids)}
    answers = {a.question_id: a for a in attempt.answers.all()}
    rows = []
    for number, entry in enumerate(attempt.layout, start=1):
        answer = answers.get(entry["question"])
        shown = [options[option_id] for option_id in entry["options"] if option_id in options]
        selected_ids = list(answer.selected_option_ids) if answer else []
        rows.append(
            AttemptQuestion(
                number=number,
                question=questions[entry["question"]],
                options=shown,
                selected_ids=selected_ids,
                points=answer.points if answer else None,
                choices=[
                    AttemptChoice(
                        position=position,
                        value=option_token(attempt_id=attempt.pk, option_id=option.id),
                        option=option,
                        is_selected=option.id in selected_ids,
                    )
                    for position, option in enumerate(shown, start=1)
                ],
            )
        )
    return rows


def may_review_answers(*, attempt: Attempt, progress: "CourseProgress") -> bool:
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
    problems = live_activity_publication_problems(course)
    if not 1 <= course.passing_score_percent <= 100:
        problems.append(f"Passing score {course.passing_score_percent}% is outside 1–100%.")
    if not course.learning_objectives:
        problems.append("The course has no learning objectives.")
    modules = list(course.modules.all())
    if not modules:
        problems.append("The course has no modules.")
    elif [module.order for module in modules] != list(range(1, len(modules) + 1)):
        problems.append("Modules must be numbered 1, 2, 3 … without gaps (learners open them in that order).")
    post_test = post_test_for(course)
    if post_test is None:
        problems.append("The course has no post-test.")
    quizzes = (
        Quiz.objects.filter(course=course)
        .select_related("module")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.prefetch_related("options")))
    )
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


def live_activity_publication_problems(course: Course) -> list[str]:
    """What every activity needs before it reaches learners, modules and post-test aside: the
    credit step, dates, CME facts, statements, faculty and their disclosures. A live activity
    (a program's session designated for credit) has only these; attendance is its post-test."""
    problems: list[str] = []
    if not is_on_credit_step(course.credits_max):
        problems.append(f"Maximum credits {course.credits_max} is not a multiple of {CREDIT_STEP}.")
    if course.release_date and course.expiry_date and course.expiry_date < course.release_date:
        problems.append("The expiry date is before the release date.")
    problems.extend(_cme_fact_problems(course))
    if not course.accreditation_statement_text.strip():
        problems.append("The accreditation statement is missing.")
    if not course.designation_statement_text.strip():
        problems.append("The AMA PRA designation statement is missing.")
    faculty = list(course.faculty.annotate(disclosure_count=Count("disclosures")))
    if not faculty:
        problems.append("No faculty are listed (ACCME requires the planners and authors to disclose).")
    for person in faculty:
        if person.disclosure_count == 0:
            problems.append(
                f"{person.name} has no disclosure record (use “no relevant financial relationships” if none)."
            )
    # ACCME Standard 3: relevant relationships are mitigated before the activity reaches learners.
    for disclosure in Disclosure.objects.filter(
        faculty__course=course, has_no_relevant_relationships=False, is_mitigated=False
    ).select_related("faculty"):
        problems.append(
            f"{disclosure.faculty.name}'s relationship with {disclosure.ineligible_company} is not marked mitigated."
        )
    return problems


def _cme_fact_problems(course: Course) -> list[str]:
    problems = []
    if course.is_enduring_material:
        # ACCME: an enduring material is reviewed at least every three years; its expiry
        # date is when that review is due, so it must be set and fall within the term.
        if course.release_date is None:
            problems.append("An enduring material needs a release date: its expiry date is counted from it.")
        if course.expiry_date is None:
            problems.append(
                "An enduring material needs an expiry date, at most 3 years after its release "
                "(ACCME expects enduring materials to be reviewed at least every three years)."
            )
        elif course.release_date and course.expiry_date > latest_expiry_date(course.release_date):
            problems.append(
                f"The expiry date {course.expiry_date:%Y-%m-%d} is more than 3 years after the release "
                f"date {course.release_date:%Y-%m-%d}: an enduring material must be reviewed at least "
                f"every three years, so set it to {latest_expiry_date(course.release_date):%Y-%m-%d} "
                "or earlier."
            )
    if course.is_reported_to_pars and not course.accme_activity_id:
        problems.append(
            "The course has no ACCME activity ID: enter its 9-digit PARS activity ID, or untick "
            "“reported to PARS” if this activity is not reported to PARS."
        )
    if not certificate_signatory(getattr(course, "certificate_look", None)).name:
        problems.append(
            "Nobody signs its certificates: name a signatory on the course's certificate look, "
            "or set the site-wide CERTIFICATE_SIGNATORY_NAME."
        )
    return problems


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


def certificate_signatory(look) -> Signatory:
    """Who signs a course's certificates: the person its certificate look names (`look` is
    the course's certificates.CertificateLook, or None), else the site-wide signatory.

    Name and title go together, so a course's own signatory never borrows the site's title.
    The look is passed in rather than imported: the certificates app builds on courses.
    """
    if look is not None and look.signatory_name.strip():
        return Signatory(name=look.signatory_name.strip(), title=look.signatory_title.strip())
    return Signatory(name=settings.CERTIFICATE_SIGNATORY_NAME, title=settings.CERTIFICATE_SIGNATORY_TITLE)


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
            problems.append(
                f"{label} has positive weights summing to {positive.normalize():f}% (they must sum to 100%)."
            )
    return problems
