"""The learner's path: catalog → course page → disclosures → modules → post-test →
evaluation. Views parse the request, call one service or selector, and render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courses import option_tokens, selectors, services
from courses.errors import CourseError, EvaluationIncomplete, InvalidSubmission, NotAllowedYet
from courses.models import ActivityFormat, Attempt, Course, Enrollment, Question, QuizKind, Topic
from courses.progress import course_progress_for, learning_overview_for, module_page_read

LIKERT_SCALE = [
    ("1", "Strongly disagree"),
    ("2", "Disagree"),
    ("3", "Neutral"),
    ("4", "Agree"),
    ("5", "Strongly agree"),
]


def _problem(request: HttpRequest, error: CourseError) -> HttpResponse:
    template = "courses/partials/problem.html" if request.htmx else "courses/problem.html"
    return render(request, template, {"message": error.message}, status=error.status_code)


def handles_course_errors(view):
    """Turn a domain error into a page (or htmx fragment) with its message and status."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CourseError as error:
            return _problem(request, error)

    return wrapper


def _open_course(slug: str) -> Course:
    # An unlisted course is a live session's credit activity, taken from its session page.
    return get_object_or_404(Course, slug=slug, status="published", is_listed=True)


def _own_enrollment(request: HttpRequest, course: Course) -> Enrollment:
    """The signed-in learner's enrollment; anyone without one gets a 404, never another's."""
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    if enrollment is None:
        raise Http404("You are not enrolled in this course.")
    enrollment.course = course
    return enrollment


def _posted_answers(request: HttpRequest) -> dict[int, list[str]]:
    """Answers posted as q<question id> = option value(s), not yet interpreted."""
    answers: dict[int, list[str]] = {}
    for key in request.POST:
        if not key.startswith("q"):
            continue
        try:
            question_id = int(key[1:])
        except ValueError as error:
            raise InvalidSubmission(f"“{key}” is not a question of this quiz.") from error
        answers[question_id] = request.POST.getlist(key)
    return answers


def _selected_options(request: HttpRequest) -> dict[int, list[int]]:
    """Knowledge-check answers, posted as q<question id> = option id(s)."""
    answers: dict[int, list[int]] = {}
    for question_id, values in _posted_answers(request).items():
        try:
            answers[question_id] = [int(value) for value in values]
        except ValueError as error:
            raise InvalidSubmission(f"“q{question_id}” is not a question or option of this quiz.") from error
    return answers


def _attempt_answers(request: HttpRequest, attempt: Attempt) -> dict[int, list[int]]:
    """Post-test answers, posted as q<question id> = this attempt's option token(s)."""
    return option_tokens.option_ids_from_tokens(attempt=attempt, posted=_posted_answers(request))


def catalog(request: HttpRequest) -> HttpResponse:
    filters = {
        "search": request.GET.get("q", "").strip()[:100],
        "topic_slug": request.GET.get("topic", ""),
        "activity_format": request.GET.get("format", ""),
        "credits": request.GET.get("credits", ""),
    }
    page = Paginator(selectors.catalog_courses(**filters), selectors.CATALOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "courses/catalog.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "topics": Topic.objects.filter(courses__status="published").distinct(),
            "formats": ActivityFormat.choices,
        },
    )


def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        course = selectors.course_for_detail_page(slug=slug)
    except Course.DoesNotExist as error:
        raise Http404("No such course.") from error
    enrollment = selectors.enrollment_for(user=request.user, course=course)
    progress = course_progress_for(enrollment=enrollment) if enrollment else None
    return render(
        request,
        "courses/detail.html",
        {
            "course": course,
            "enrollment": enrollment,
            "progress": progress,
            "post_test": selectors.post_test_for(course),
        },
    )


@login_required
@require_POST
@handles_course_errors
def enroll(request: HttpRequest, slug: str) -> HttpResponse:
    course = _open_course(slug)
    services.enrollment_create(user=request.user, course=course)
    messages.success(request, f"You are enrolled in “{course.title}”. Start by reviewing the faculty disclosures.")
    return redirect("courses:disclosures", slug=course.slug)


@login_required
@handles_course_errors
def disclosures(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        course = selectors.course_for_detail_page(slug=slug)
    except Course.DoesNotExist as error:
        raise Http404("No such course.") from error
    enrollment = _own_enrollment(request, course)
    if request.method == "POST":
        services.disclosures_acknowledge(enrollment=enrollment)
        return redirect("courses:module", slug=course.slug, order=1)
    return render(request, "courses/disclosures.html", {"course": course, "enrollment": enrollment})


@login_required
@handles_course_errors
def module_player(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    read = module_page_read(user=request.user, slug=slug, order=order)
    if read is None:
        raise Http404("You are not enrolled in this course.")
    progress, content = read
    enrollment, course = progress.enrollment, progress.enrollment.course
    steps = progress.modules
    index = next((i for i, s in enumerate(steps) if s.module.order == order), None)
    if index is None:
        raise Http404("No such module.")
    step = steps[index]
    if enrollment.disclosures_acknowledged_at is None:
        return redirect("courses:disclosures", slug=course.slug)
    if not step.is_unlocked:
        raise NotAllowedYet("This module opens when you complete the one before it.")
    return render(
        request,
        "courses/module.html",
        {
            "course": course,
            "enrollment": enrollment,
            "progress": progress,
            "module": step.module,
            "step": step,
            "content": content,
            "previous_step": steps[index - 1] if index > 0 else None,
            "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        },
    )


@login_required
@require_POST
@handles_course_errors
def module_complete(request: HttpRequest, slug: str, order: int) -> HttpResponse:
    course = _open_course(slug)
    enrollment = _own_enrollment(request, course)
    module = get_object_or_404(course.modules, order=order)
    services.module_complete(enrollment=enrollment, module=module)
    following = course.modules.filter(order__gt=order).order_by("order").first()
    if following:
        return redirect("courses:module", slug=slug, order=following.order)
    messages.success(request, "Every module is complete. The post-test is open.")
    return redirect("courses:post_test", slug=slug)


@login_required
@require_POST
@handles_course_errors
def knowledge_check_answer(request: HttpRequest, slug: str, order: int, question_id: int) -> HttpResponse:
    """Formative feedback for one question; nothing is graded toward credit."""
    course = _open_course(slug)
    _own_enrollment(request, course)
    question = get_object_or_404(
        Question.objects.prefetch_related("options"),
        pk=question_id,
        quiz__kind=QuizKind.KNOWLEDGE_CHECK,
        quiz__module__course=course,
        quiz__module__order=order,
    )
    selected = _selected_options(request).get(question.id, [])
    valid_ids = {option.id for option in question.options.all()}
    if not selected or not set(selected) <= valid_ids:
        raise InvalidSubmission("Choose an answer from the options shown.")
    result = selectors.knowledge_check_result(question=question, selected_ids=selected)
    # Without JavaScript the form posts normally and gets a whole page back.
    template = (
        "courses/partials/knowledge_check_feedback.html" if request.htmx else "courses/knowledge_check_result.html"
    )
    return render(request, template, {"result": result, "course": course, "order": order})


@login_required
@handles_course_errors
def post_test(request: HttpRequest, slug: str) -> HttpResponse:
    course = _open_course(slug)
    enrollment = _own_enrollment(request, course)
    quiz = selectors.post_test_for(course)
    if quiz is None:
        raise Http404("This course has no post-test.")
    if request.method == "POST":
        attempt = services.attempt_start(enrollment=enrollment, quiz=quiz)
        return redirect("courses:attempt", pk=attempt.pk)
    progress = course_progress_for(enrollment=enrollment)
    return render(
        request,
        "courses/post_test.html",
        {
            "course": course,
            "enrollment": enrollment,
            "quiz": quiz,
            "progress": progress,
            "question_count": quiz.draw_count or quiz.questions.count(),
        },
    )


def _learner_attempt(request: HttpRequest, pk: int) -> Attempt:
    try:
        return selectors.attempt_for_learner(user=request.user, attempt_id=pk)
    except Attempt.DoesNotExist as error:
        raise Http404("No such attempt.") from error


@login_required
@handles_course_errors
def attempt_take(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _learner_attempt(request, pk)
    if not attempt.is_open:
        return redirect("courses:attempt_result", pk=attempt.pk)
    return render(
        request,
        "courses/attempt.html",
        {
            "attempt": attempt,
            "course": attempt.enrollment.course,
            "quiz": attempt.quiz,
            "questions": selectors.attempt_questions(attempt=attempt),
        },
    )


@login_required
@require_POST
@handles_course_errors
def attempt_answer(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    """Autosave one question: the URL names it, so unticking every box saves a blank answer."""
    attempt = _learner_attempt(request, pk)
    if set(_posted_answers(request)) - {question_id}:
        raise InvalidSubmission("Save one question's answer at a time.")
    answers = _attempt_answers(request, attempt)
    services.attempt_save_answer(attempt=attempt, question_id=question_id, option_ids=answers.get(question_id, []))
    return render(request, "courses/partials/answer_saved.html", {"question_id": question_id})


@login_required
@require_POST
@handles_course_errors
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _learner_attempt(request, pk)
    attempt = services.attempt_submit(attempt=attempt, answers=_attempt_answers(request, attempt))
    return redirect("courses:attempt_result", pk=attempt.pk)


@login_required
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _learner_attempt(request, pk)
    if attempt.is_open:
        return redirect("courses:attempt", pk=attempt.pk)
    enrollment = attempt.enrollment
    progress = course_progress_for(enrollment=enrollment)
    return render(
        request,
        "courses/attempt_result.html",
        {
            "attempt": attempt,
            "course": enrollment.course,
            "progress": progress,
            "questions": selectors.attempt_questions(attempt=attempt),
            "show_answers": selectors.may_review_answers(attempt=attempt, progress=progress),
        },
    )


@login_required
@handles_course_errors
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    course = _open_course(slug)
    enrollment = _own_enrollment(request, course)
    items = list(course.evaluation_items.all())
    problems: dict[int, str] = {}
    if request.method == "POST":
        responses = {item.id: request.POST.get(f"item{item.id}", "") for item in items}
        try:
            services.evaluation_submit(enrollment=enrollment, responses=responses)
        except EvaluationIncomplete as incomplete:
            problems = incomplete.problems
        else:
            messages.success(request, f"Thank you. “{course.title}” is complete.")
            return redirect("learning")
    elif enrollment.post_test_passed_at is None:
        raise NotAllowedYet("The evaluation opens after you pass the post-test.")
    for item in items:
        # A refused form comes back with what the learner already chose, and each question
        # with its own error beside it.
        item.previous = request.POST.get(f"item{item.id}", "")
        item.error = problems.get(item.id, "")
    return render(
        request,
        "courses/evaluation.html",
        {
            "course": course,
            "enrollment": enrollment,
            "items": items,
            "likert_scale": LIKERT_SCALE,
            "unanswered": [item for item in items if item.error],
        },
        status=400 if problems else 200,
    )


@login_required
def learning(request: HttpRequest) -> HttpResponse:
    in_progress, completed = learning_overview_for(user=request.user)
    return render(request, "courses/learning.html", {"in_progress": in_progress, "completed": completed})
