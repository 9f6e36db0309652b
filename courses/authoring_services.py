"""Writes for authoring a course: publishing and unpublishing, the content revision module
pages are cached under, the standard evaluation, and the lock on graded content once
learners have submitted attempts. Each function is one author's action, in one transaction."""

from collections.abc import Collection, Iterable

from django.db.models import F
from django.utils import timezone

from courses import selectors
from courses.errors import (
    DRAW_COUNT_REFUSED,
    QUESTION_CHANGE_REFUSED,
    QUESTION_DELETE_REFUSED,
    CoursePublishError,
    GradedContentLocked,
)
from courses.models import (
    Course,
    CourseStatus,
    EvaluationItem,
    Option,
    Question,
    Quiz,
)

# Network and clock slack before a timed attempt counts as late.


def course_publish(*, course: Course) -> Course:
    problems = selectors.course_publication_problems(course)
    if problems:
        raise CoursePublishError(problems)
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    return course


def course_unpublish(*, course: Course, archive: bool = False) -> Course:
    course.status = CourseStatus.ARCHIVED if archive else CourseStatus.DRAFT
    course.save(update_fields=["status", "updated_at"])
    return course


def course_content_changed(*, course_ids: Collection[int]) -> None:
    """What these courses' module pages show has changed: a module, a knowledge check, a
    question or an option (a row moved between courses changes both). The cached module
    content is keyed by the course's content revision (courses/module_content.py), so
    learners see the change on their next view. Call it in the transaction that writes the
    change: readers then see the new revision only together with the new content."""
    Course.objects.filter(pk__in=[pk for pk in course_ids if pk is not None]).update(
        content_revision=F("content_revision") + 1
    )


STANDARD_EVALUATION = [
    ("likert", "The stated learning objectives were met.", "objectives_met"),
    ("likert", "The content was free of commercial bias.", "free_of_commercial_bias"),
    ("likert", "The content was relevant to my teaching practice.", "relevant_to_practice"),
    ("likert", "I intend to change something in how I teach as a result of this activity.", "intent_to_change"),
    ("text", "What will you change in your teaching as a result of this activity?", "what_will_you_change"),
    ("text", "If you perceived any commercial bias, please describe it.", "commercial_bias_comment"),
]


def evaluation_items_seed_standard(*, course: Course) -> list[EvaluationItem]:
    """The standard CME evaluation (objectives met, free of commercial bias, intent to change).

    A course that already has evaluation items keeps them: seeding twice must not duplicate."""
    if EvaluationItem.objects.filter(course=course).exists():
        return list(EvaluationItem.objects.filter(course=course))
    return EvaluationItem.objects.bulk_create(
        [
            EvaluationItem(
                course=course,
                order=index,
                kind=kind,
                prompt=prompt,
                code=code,
                is_required=code != "commercial_bias_comment",
            )
            for index, (kind, prompt, code) in enumerate(STANDARD_EVALUATION, start=1)
        ]
    )


# --- Graded content lock --------------------------------------------------------------
# Once a quiz has a submitted attempt, what decides a score — option weights, which options
# exist, a question's type and quiz, which questions are in the bank and how many are drawn —
# can no longer change, or learners' recorded scores would stop matching the quiz they took
# (docs/course-format.md, "Editing graded content after learners have taken a quiz"). Stems,
# option wording, feedback and explanations stay editable. Every writer of quizzes, questions
# and options asks here: the admin's forms (beside the field) and its save (against the rows).


def quiz_is_locked(quiz_id: int | None) -> bool:
    return quiz_id is not None and selectors.quiz_has_submitted_attempts(Quiz(pk=quiz_id))


def _graded_edit_refusal(obj: Quiz | Question | Option) -> str | None:
    """Why saving `obj` as it is in memory would change a locked quiz's grading, or None."""
    if isinstance(obj, Quiz):
        stored = _stored(Quiz, obj.pk, "draw_count")
        if stored and stored["draw_count"] != obj.draw_count and quiz_is_locked(obj.pk):
            return DRAW_COUNT_REFUSED
    elif isinstance(obj, Question):
        stored = _stored(Question, obj.pk, "type", "quiz_id")
        changed = stored and (stored["type"] != obj.type or stored["quiz_id"] != obj.quiz_id)
        if changed and quiz_is_locked(stored["quiz_id"]):
            return QUESTION_CHANGE_REFUSED
    elif isinstance(obj, Option):
        stored = _stored(Option, obj.pk, "weight_percent", "question_id")
        if stored is None:
            # A new option changes how the question is graded just as a new weight does.
            if quiz_is_locked(_question_quiz_id(obj.question_id)):
                return QUESTION_CHANGE_REFUSED
        elif stored["weight_percent"] != obj.weight_percent or stored["question_id"] != obj.question_id:
            if quiz_is_locked(_question_quiz_id(stored["question_id"])):
                return QUESTION_CHANGE_REFUSED
    return None


def _graded_delete_refusal(obj: Quiz | Question | Option) -> str | None:
    """Why deleting `obj` would change a locked quiz's grading, or None."""
    if isinstance(obj, Question) and quiz_is_locked(_question_quiz_id(obj.pk)):
        return QUESTION_DELETE_REFUSED
    if isinstance(obj, Option) and quiz_is_locked(_question_quiz_id(_stored_question_id(obj))):
        return QUESTION_CHANGE_REFUSED
    return None


def graded_content_guard(
    *, saving: Iterable[Quiz | Question | Option] = (), deleting: Iterable[Quiz | Question | Option] = ()
) -> None:
    """Raise GradedContentLocked before any write that would rewrite learners' scores.

    Checked against the stored rows just before writing, so neither a form that skipped its
    checks nor an attempt submitted while the author was typing slips a change through."""
    for obj in saving:
        if message := _graded_edit_refusal(obj):
            raise GradedContentLocked(message)
    for obj in deleting:
        if message := _graded_delete_refusal(obj):
            raise GradedContentLocked(message)


def _stored(model: type[Quiz | Question | Option], pk, *fields: str) -> dict | None:
    return model.objects.filter(pk=pk).values(*fields).first() if pk is not None else None


def _question_quiz_id(question_id: int | None) -> int | None:
    stored = _stored(Question, question_id, "quiz_id")
    return stored["quiz_id"] if stored else None


def _stored_question_id(option: Option) -> int | None:
    stored = _stored(Option, option.pk, "question_id")
    return stored["question_id"] if stored else option.question_id
