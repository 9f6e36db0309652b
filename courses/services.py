"""Writes for the learner's path and for publishing. Each function is one user action,
in one transaction; a domain error raised before the first write leaves nothing behind."""

import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from courses import grading
from courses.errors import (
    Conflict,
    CourseExpired,
    EvaluationIncomplete,
    InvalidSubmission,
    NotAllowedYet,
)
from courses.models import (
    Answer,
    Attempt,
    Course,
    Enrollment,
    EvaluationItem,
    EvaluationKind,
    EvaluationResponse,
    LateSubmissionPolicy,
    Module,
    ModuleProgress,
    Option,
    Question,
    Quiz,
)
from courses.progress import all_modules_complete, course_progress_for
from lms.nul import has_nul

# Network and clock slack before a timed attempt counts as late.
LATE_GRACE = timedelta(seconds=30)
_random = secrets.SystemRandom()


def course_expiry_guard(*, course: Course, now: datetime | None = None) -> None:
    """Refuse to let credit be earned from an activity after its expiry date.

    Docere's rule, stricter than letting enrolled learners finish: from the day after
    `expiry_date` no post-test attempt is started, saved or submitted and no credit is claimed,
    even by learners who enrolled before (AMA PRA: credit is awarded only within the activity's
    approved dates). Reading the modules and downloading certificates already earned go on."""
    if course.is_expired(timezone.localdate(now) if now else None):
        raise CourseExpired(course.expiry_date)


def enrollment_create(*, user, course: Course) -> Enrollment:
    if not course.is_open():
        raise NotAllowedYet("This course is not open for enrolment.")
    try:
        with transaction.atomic():
            enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    except IntegrityError:
        # A double click raced us to the unique constraint: the other request enrolled.
        enrollment = Enrollment.objects.get(user=user, course=course)
    return enrollment


def disclosures_acknowledge(*, enrollment: Enrollment) -> Enrollment:
    if enrollment.disclosures_acknowledged_at is None:
        enrollment.disclosures_acknowledged_at = timezone.now()
        enrollment.save(update_fields=["disclosures_acknowledged_at"])
    return enrollment


def module_complete(*, enrollment: Enrollment, module: Module) -> ModuleProgress:
    if module.course_id != enrollment.course_id:
        raise InvalidSubmission("That module is not part of this course.")
    progress = course_progress_for(enrollment=enrollment)
    step = next(step for step in progress.modules if step.module.id == module.id)
    if not step.is_unlocked:
        raise NotAllowedYet("Finish the modules before this one first.")
    with transaction.atomic():
        row, _ = ModuleProgress.objects.get_or_create(enrollment=enrollment, module=module)
    return row


def _draw_layout(quiz: Quiz) -> list[dict]:
    question_ids = list(Question.objects.filter(quiz=quiz).order_by("order", "id").values_list("id", flat=True))
    if quiz.draw_count and quiz.draw_count < len(question_ids):
        drawn = set(_random.sample(question_ids, quiz.draw_count))
        question_ids = [question_id for question_id in question_ids if question_id in drawn]
    if quiz.shuffle_questions:
        _random.shuffle(question_ids)
    options: dict[int, list[int]] = {question_id: [] for question_id in question_ids}
    for question_id, option_id in (
        Option.objects.filter(question_id__in=question_ids).order_by("order", "id").values_list("question_id", "id")
    ):
        options[question_id].append(option_id)
    layout = []
    for question_id in question_ids:
        option_ids = options[question_id]
        if quiz.shuffle_options:
            _random.shuffle(option_ids)
        layout.append({"question": question_id, "options": option_ids})
    return layout


def attempt_start(*, enrollment: Enrollment, quiz: Quiz, now: datetime | None = None) -> Attempt:
    """Start a post-test attempt, or return the one already open (a reload resumes it)."""
    now = now or timezone.now()
    if quiz.course_id != enrollment.course_id or not quiz.is_post_test:
        raise InvalidSubmission("That quiz is not this course's post-test.")
    course_expiry_guard(course=enrollment.course, now=now)
    with transaction.atomic():
        # Lock the enrollment so two tabs starting at once get one attempt.
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        open_attempt = Attempt.objects.filter(enrollment=enrollment, quiz=quiz, submitted_at__isnull=True).first()
        if open_attempt:
            return open_attempt
        if not all_modules_complete(enrollment=enrollment):
            raise NotAllowedYet("The post-test opens when every module is complete.")
        if enrollment.post_test_passed_at is not None:
            raise Conflict("You have already passed this post-test.")
        # None is open, so every attempt so far has been used.
        used = Attempt.objects.filter(enrollment=enrollment, quiz=quiz).count()
        if quiz.max_attempts and used >= quiz.max_attempts:
            raise Conflict(f"You have used all {quiz.max_attempts} attempts at this post-test.")
        deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
        return Attempt.objects.create(
            enrollment=enrollment,
            quiz=quiz,
            number=used + 1,
            started_at=now,
            deadline_at=deadline,
            layout=_draw_layout(quiz),
        )


def _validated_answers(attempt: Attempt, answers: Mapping[int, list[int]]) -> dict[int, list[int]]:
    """Check every question and option against the frozen draw before anything is written."""
    allowed = {entry["question"]: set(entry["options"]) for entry in attempt.layout}
    clean: dict[int, list[int]] = {}
    for question_id, option_ids in answers.items():
        if question_id not in allowed:
            raise InvalidSubmission(f"Question {question_id} is not part of this attempt.")
        unknown = set(option_ids) - allowed[question_id]
        if unknown:
            raise InvalidSubmission(
                f"Option {sorted(unknown)[0]} does not belong to question {question_id} of this attempt."
            )
        clean[question_id] = sorted(set(option_ids))
    return clean


def _is_late(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + LATE_GRACE


def attempt_save_answer(
    *, attempt: Attempt, question_id: int, option_ids: list[int], now: datetime | None = None
) -> Answer:
    """Autosave one answer while the attempt is open, so a timed attempt keeps what was given in time."""
    now = now or timezone.now()
    clean = _validated_answers(attempt, {question_id: option_ids})
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().select_related("enrollment__course").get(pk=attempt.pk)
        if not locked.is_open:
            raise Conflict("This attempt has already been submitted.")
        course_expiry_guard(course=locked.enrollment.course, now=now)
        if _is_late(locked, now):
            raise Conflict("Time is up for this attempt; answers can no longer be changed.")
        answer, _ = Answer.objects.update_or_create(
            attempt=locked,
            question_id=question_id,
            defaults={"selected_option_ids": clean[question_id], "saved_at": now},
        )
    return answer


def attempt_submit(*, attempt: Attempt, answers: Mapping[int, list[int]], now: datetime | None = None) -> Attempt:
    """Grade an attempt once. A second or concurrent submit is a Conflict and writes nothing."""
    now = now or timezone.now()
    clean = _validated_answers(attempt, answers)
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().select_related("quiz", "enrollment__course").get(pk=attempt.pk)
        if not attempt.is_open:
            raise Conflict("This attempt has already been submitted.")
        course_expiry_guard(course=attempt.enrollment.course, now=now)
        late = _is_late(attempt, now)
        # What was autosaved, then what this submission brings (unless it came too late:
        # under "grade answers in time" the autosaved answers count and the late payload does not).
        selected = {
            question_id: (option_ids, saved_at)
            for question_id, option_ids, saved_at in attempt.answers.values_list(
                "question_id", "selected_option_ids", "saved_at"
            )
        }
        if not late:
            selected.update({question_id: (option_ids, now) for question_id, option_ids in clean.items()})
        reject = late and attempt.quiz.late_submission_policy == LateSubmissionPolicy.REJECT
        graded = _graded_answers(attempt, selected, zero=reject)
        # One statement for every answer, new or autosaved: (attempt, question) is unique.
        Answer.objects.bulk_create(
            graded,
            update_conflicts=True,
            unique_fields=["attempt", "question"],
            update_fields=["points"] if late else ["selected_option_ids", "saved_at", "points"],
        )
        attempt.score_percent = grading.score_percent([answer.points for answer in graded], len(attempt.question_ids))
        attempt.passed = attempt.score_percent >= attempt.enrollment.course.passing_score_percent
        attempt.submitted_at = now
        attempt.is_late = late
        attempt.save(update_fields=["submitted_at", "is_late", "score_percent", "passed"])
        _record_post_test_outcome(attempt.enrollment, attempt.quiz, now)
    return attempt


def _graded_answers(
    attempt: Attempt, selected: Mapping[int, tuple[list[int], datetime]], *, zero: bool
) -> list[Answer]:
    """The attempt's answers (question → options chosen, when saved) with their points; a
    question left unanswered has no row and scores 0."""
    weights: dict[int, dict[int, object]] = {}
    for question_id, option_id, weight in Option.objects.filter(question_id__in=selected).values_list(
        "question_id", "id", "weight_percent"
    ):
        weights.setdefault(question_id, {})[option_id] = weight
    types = dict(Question.objects.filter(id__in=selected).values_list("id", "type"))
    return [
        Answer(
            attempt=attempt,
            question_id=question_id,
            selected_option_ids=option_ids,
            saved_at=saved_at,
            points=grading.ZERO
            if zero
            else grading.question_points(
                question_type=types[question_id], weights_by_option=weights.get(question_id, {}), selected=option_ids
            ),
        )
        for question_id, (option_ids, saved_at) in selected.items()
    ]


def _record_post_test_outcome(enrollment: Enrollment, quiz: Quiz, now: datetime) -> None:
    scores = list(
        Attempt.objects.filter(enrollment=enrollment, quiz=quiz, submitted_at__isnull=False)
        .order_by("number")
        .values_list("score_percent", flat=True)
    )
    grade = grading.overall_grade(method=quiz.grading_method, scores_in_order=scores)
    if (
        grade is not None
        and grade >= enrollment.course.passing_score_percent
        and enrollment.post_test_passed_at is None
    ):
        enrollment.post_test_passed_at = now
        enrollment.save(update_fields=["post_test_passed_at"])
        _complete_if_ready(enrollment, now)
        # Apps that build on courses (the LTI grade passback) are named in settings, so this
        # app never imports them and the call stays explicit in the flow.
        for handler in settings.POST_TEST_PASSED_HANDLERS:
            import_string(handler)(enrollment=enrollment)


def _complete_if_ready(enrollment: Enrollment, now: datetime) -> None:
    took_part = enrollment.post_test_passed_at or enrollment.attended_at
    if took_part and enrollment.evaluation_submitted_at and not enrollment.completed_at:
        enrollment.completed_at = now
        enrollment.save(update_fields=["completed_at"])


def evaluation_submit(*, enrollment: Enrollment, responses: Mapping[int, str]) -> Enrollment:
    """Record the learner's evaluation; with the post-test passed, the course is complete."""
    items = list(EvaluationItem.objects.filter(course_id=enrollment.course_id))
    problems: dict[int, str] = {}
    rows = []
    for item in items:
        raw = (responses.get(item.id) or "").strip()
        if item.kind == EvaluationKind.LIKERT:
            if not raw:
                if item.is_required:
                    problems[item.id] = "Please answer: choose how far you agree."
                continue
            if raw not in {"1", "2", "3", "4", "5"}:
                problems[item.id] = "Choose a value from 1 to 5."
                continue
            rows.append(EvaluationResponse(enrollment=enrollment, item=item, likert_value=int(raw)))
        else:
            if not raw and item.is_required:
                problems[item.id] = "Please answer this question."
                continue
            if has_nul(raw):
                problems[item.id] = "This answer contains a character that is not allowed (a NUL byte); remove it."
                continue
            rows.append(EvaluationResponse(enrollment=enrollment, item=item, text=raw[:5000]))
    if problems:
        raise EvaluationIncomplete(problems)
    now = timezone.now()
    with transaction.atomic():
        # Checked on the locked row, not the caller's copy, which may predate passing.
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.post_test_passed_at is None and enrollment.attended_at is None:
            raise NotAllowedYet("The evaluation opens after you pass the post-test.")
        if enrollment.evaluation_submitted_at is not None:
            raise Conflict("You have already submitted the evaluation for this course.")
        EvaluationResponse.objects.bulk_create(rows)
        enrollment.evaluation_submitted_at = now
        enrollment.save(update_fields=["evaluation_submitted_at"])
        _complete_if_ready(enrollment, now)
    return enrollment
