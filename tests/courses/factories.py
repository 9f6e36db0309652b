"""Course factories, the one way tests build courses. `CourseFactory()` is a complete course
a learner can take today: published and open, one faculty member who has disclosed, two
modules, a post-test bank of three questions (one of each type) and the standard evaluation.

    CourseFactory(modules=10, bank=12)        # bigger
    CourseFactory(status="draft", bank=0)     # a draft without a post-test

`build_course()` is the recipe the learner-path tests share (re-exported by
tests/courses/conftest.py): single-answer questions whose feedback must stay hidden until
grading, a knowledge check after each module, and the post-test settings as arguments.
Cohorts of hundreds of learners are written in bulk by tests/reports/builders.py.
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from courses.authoring_services import evaluation_items_seed_standard
from courses.models import (
    Attempt,
    Course,
    CourseStatus,
    Disclosure,
    Enrollment,
    Faculty,
    Module,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
)
from tests.factories import UserFactory

QUESTION_TYPES = [QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE]

# The options each question type gets: (text, weight_percent, feedback).
OPTIONS = {
    QuestionType.SINGLE: [
        ("Ask what the learner noticed", 100, "Yes: start from their view."),
        ("Correct them in front of the team", 0, "Public correction shuts learners down."),
        ("Say nothing", 0, ""),
        ("Tell the resident to handle it", 0, ""),
    ],
    QuestionType.MULTIPLE: [
        ("Name the behavior", 50, "Yes."),
        ("Describe its effect", 50, "Yes."),
        ("Judge the person", -50, "Feedback is about behavior."),
        ("Wait a month", 0, ""),
    ],
    QuestionType.TRUE_FALSE: [("True", 100, "Right."), ("False", 0, "Not so.")],
}


class DisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Disclosure

    faculty = factory.SubFactory("tests.courses.factories.FacultyFactory", disclosures=0)
    has_no_relevant_relationships = True


class FacultyFactory(factory.django.DjangoModelFactory):
    """A faculty member with one "nothing to disclose" record (ACCME Standard 3)."""

    class Meta:
        model = Faculty
        skip_postgeneration_save = True

    course = factory.SubFactory("tests.courses.factories.CourseFactory", faculty=0)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Faculty Member {n}")
    degrees = "MD, MEd"

    @factory.post_generation
    def disclosures(faculty, create, extracted, **kwargs):
        if create:
            DisclosureFactory.create_batch(1 if extracted is None else extracted, faculty=faculty)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory("tests.courses.factories.CourseFactory", modules=0)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Module {n}")
    body = "## Why it matters\n\nA paragraph of **Markdown**.\n\n- one point\n- another point\n"
    estimated_minutes = 20


class PostTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    course = factory.SubFactory("tests.courses.factories.CourseFactory", bank=0)
    kind = QuizKind.POST_TEST


class KnowledgeCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    module = factory.SubFactory(ModuleFactory)
    course = factory.SelfAttribute("module.course")
    kind = QuizKind.KNOWLEDGE_CHECK


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with valid options for its type: exactly one correct for single and
    true/false, positive weights summing to 100 for multiple."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    quiz = factory.SubFactory(PostTestFactory)
    order = factory.Sequence(lambda n: n + 1)
    type = QuestionType.SINGLE
    stem = factory.Sequence(lambda n: f"Question {n}: what is the best next step?\n")
    explanation = "Because the learner's view comes first."

    @factory.post_generation
    def options(question, create, extracted, **kwargs):
        if create and extracted is None:
            Option.objects.bulk_create(
                [
                    Option(question=question, order=order, text=text, weight_percent=Decimal(weight), feedback=feedback)
                    for order, (text, weight, feedback) in enumerate(OPTIONS[question.type], start=1)
                ]
            )


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory, options=[])
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Choice {n}")
    weight_percent = Decimal("0")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Teaching Course {n}")
    summary = "Practical teaching moves for clinical supervisors."
    description = "A course for faculty who teach on the wards.\n"
    learning_objectives = factory.LazyFunction(lambda: ["Describe one practice.", "Apply it on the next shift."])
    target_audience = "Attending physicians who supervise learners."
    credits_max = Decimal("1.00")
    accme_activity_id = factory.Sequence(lambda n: f"{900100000 + n:09d}")
    release_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    status = CourseStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def faculty(course, create, extracted, **kwargs):
        if create:
            FacultyFactory.create_batch(1 if extracted is None else extracted, course=course)

    @factory.post_generation
    def modules(course, create, extracted, **kwargs):
        if create:
            for order in range(1, (2 if extracted is None else extracted) + 1):
                ModuleFactory(course=course, order=order)

    @factory.post_generation
    def bank(course, create, extracted, **kwargs):
        """How many post-test questions; 0 means no post-test at all."""
        count = 3 if extracted is None else extracted
        if create and count:
            quiz = PostTestFactory(course=course)
            for order in range(1, count + 1):
                QuestionFactory(quiz=quiz, order=order, type=QUESTION_TYPES[(order - 1) % len(QUESTION_TYPES)])

    @factory.post_generation
    def evaluation(course, create, extracted, **kwargs):
        if create and extracted is not False:
            evaluation_items_seed_standard(course=course)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class SubmittedAttemptFactory(factory.django.DjangoModelFactory):
    """A submitted, passed attempt at the course's post-test that drew every question: once
    one exists, the quiz's graded content is locked."""

    class Meta:
        model = Attempt

    enrollment = factory.SubFactory(EnrollmentFactory)
    quiz = factory.LazyAttribute(lambda attempt: attempt.enrollment.course.quizzes.get(kind=QuizKind.POST_TEST))
    number = 1
    started_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.SelfAttribute("started_at")
    layout = factory.LazyAttribute(
        lambda attempt: [
            {"question": question.id, "options": [option.id for option in question.options.all()]}
            for question in attempt.quiz.questions.all()
        ]
    )
    score_percent = Decimal("100")
    passed = True


# --- The learner-path recipe ----------------------------------------------------------

# Text that must never reach a learner before grading: option feedback and explanations.
SECRET_FEEDBACK = "FEEDBACK-ONLY-AFTER-GRADING"


def build_course(
    *,
    slug="inclusive-rounds",
    modules=3,
    bank=6,
    draw_count=None,
    shuffle=False,
    max_attempts=0,
    grading_method="highest",
    time_limit_minutes=None,
    late_submission_policy="grade_answers_in_time",
    review_policy="after_pass",
    passing_score_percent=80,
    knowledge_checks=True,
    status="published",
) -> Course:
    """A small, complete course: one faculty member, `modules` modules (each followed by a
    knowledge check), a post-test of `bank` single-answer questions and the standard evaluation.
    No release, expiry or ACCME activity ID unless a test sets them."""
    course = CourseFactory(
        slug=slug,
        title=f"Course {slug}",
        summary="A course about teaching.",
        description="**Why** it matters.",
        learning_objectives=["Describe one thing", "Apply another"],
        target_audience="Faculty who teach",
        estimated_minutes=60,
        credits_max=Decimal("1.75"),
        passing_score_percent=passing_score_percent,
        status=status,
        accme_activity_id="",
        release_date=None,
        expiry_date=None,
        published_at=None,
        faculty=0,
        modules=0,
        bank=0,
        evaluation=False,
    )
    FacultyFactory(course=course, order=0, name="Dr. Ines Halvorsen-Achebe", degrees="MD", role="author")
    for order in range(1, modules + 1):
        module = ModuleFactory(
            course=course, order=order, title=f"Module {order}", body=f"Body of module {order}.", estimated_minutes=15
        )
        if knowledge_checks:
            add_single_question(KnowledgeCheckFactory(module=module), order=1, stem=f"Check for module {order}?")
    quiz = PostTestFactory(
        course=course,
        draw_count=draw_count,
        shuffle_questions=shuffle,
        shuffle_options=shuffle,
        max_attempts=max_attempts,
        grading_method=grading_method,
        time_limit_minutes=time_limit_minutes,
        late_submission_policy=late_submission_policy,
        review_policy=review_policy,
    )
    for order in range(1, bank + 1):
        add_single_question(quiz, order=order, stem=f"Post-test question {order}?")
    evaluation_items_seed_standard(course=course)
    return course


def add_single_question(quiz: Quiz, *, order: int, stem: str) -> Question:
    question = QuestionFactory(
        quiz=quiz,
        order=order,
        type=QuestionType.SINGLE,
        stem=stem,
        explanation=f"Explanation {SECRET_FEEDBACK}",
        options=[],
    )
    OptionFactory(
        question=question, order=1, text="Right answer", weight_percent=100, feedback=f"Yes {SECRET_FEEDBACK}"
    )
    OptionFactory(question=question, order=2, text="Wrong answer", weight_percent=0, feedback=f"No {SECRET_FEEDBACK}")
    return question


def add_multiple_question(quiz: Quiz, *, order: int, weights=(50, 50, -100)) -> Question:
    question = QuestionFactory(
        quiz=quiz, order=order, type=QuestionType.MULTIPLE, stem="Pick all?", explanation="", options=[]
    )
    for index, weight in enumerate(weights, start=1):
        OptionFactory(question=question, order=index, text=f"Choice {index}", weight_percent=weight)
    return question
