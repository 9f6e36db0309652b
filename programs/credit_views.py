"""A live session's credit: the director designates it; an attendee reads the disclosures,
evaluates the session, claims credit and downloads the certificate. Everyone who is not a
participant of the session's cohort gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import profile_for, profile_is_complete_for_credit
from certificates.forms import ClaimForm
from certificates.services import ClaimError
from courses.errors import CourseError, CoursePublishError, EvaluationIncomplete
from courses.views import LIKERT_SCALE
from programs import credit_services
from programs.access import director_required
from programs.credit_forms import DesignateForm, FacultyFormSet
from programs.credit_selectors import LiveCreditStanding, live_credit_standing_for
from programs.models import LiveSession


def _page(
    request: HttpRequest,
    standing: LiveCreditStanding,
    *,
    form: ClaimForm | None = None,
    problems: dict[int, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    course = standing.course
    profile = profile_for(request.user)
    is_physician = bool(profile and profile.is_physician)
    items = list(course.evaluation_items.all())
    problems = problems or {}
    for item in items:
        item.previous = request.POST.get(f"item{item.id}", "") if problems else ""
        item.error = problems.get(item.id, "")
    if form is None and standing.step == "claim":
        form = ClaimForm(credits_max=course.credits_max, participation=not is_physician)
    return render(
        request,
        "programs/credit/session_credit.html",
        {
            "standing": standing,
            "session": standing.session,
            "course": course,
            "enrollment": standing.enrollment,
            "items": items,
            "likert_scale": LIKERT_SCALE,
            "unanswered": [item for item in items if item.error],
            "form": form,
            "error": error,
            "is_physician": is_physician,
            "readiness": profile_is_complete_for_credit(request.user) if standing.step == "claim" else None,
        },
        status=status,
    )


@login_required
def session_credit(request: HttpRequest, session_id: int) -> HttpResponse:
    return _page(request, live_credit_standing_for(user=request.user, session_id=session_id))


@login_required
@require_POST
def disclosures(request: HttpRequest, session_id: int) -> HttpResponse:
    standing = live_credit_standing_for(user=request.user, session_id=session_id)
    try:
        credit_services.live_credit_disclosures_acknowledge(session=standing.session, user=request.user)
    except CourseError as refusal:
        return _page(request, standing, error=refusal.message, status=refusal.status_code)
    return redirect("live_credit:session_credit", session_id=session_id)


@login_required
@require_POST
def evaluation(request: HttpRequest, session_id: int) -> HttpResponse:
    standing = live_credit_standing_for(user=request.user, session_id=session_id)
    responses = {item.id: request.POST.get(f"item{item.id}", "") for item in standing.course.evaluation_items.all()}
    try:
        credit_services.live_credit_evaluation_submit(session=standing.session, user=request.user, responses=responses)
    except EvaluationIncomplete as incomplete:
        return _page(request, standing, problems=incomplete.problems, status=400)
    except CourseError as refusal:
        return _page(request, standing, error=refusal.message, status=refusal.status_code)
    messages.success(request, "Thank you for your evaluation. You can now claim your credit.")
    return redirect("live_credit:session_credit", session_id=session_id)


@login_required
@require_POST
def claim(request: HttpRequest, session_id: int) -> HttpResponse:
    standing = live_credit_standing_for(user=request.user, session_id=session_id)
    profile = profile_for(request.user)
    form = ClaimForm(
        request.POST, credits_max=standing.course.credits_max, participation=not (profile and profile.is_physician)
    )
    if not form.is_valid():
        return _page(request, standing, form=form, status=400)
    try:
        credit_services.live_credit_claim(
            session=standing.session,
            user=request.user,
            credits=form.cleaned_data["credits"],
            attested=form.cleaned_data["attest"],
        )
    except ClaimError as refusal:
        if standing.step != "claim":
            # Claimed already: the page shows the certificate, and the refusal above it.
            return _page(request, standing, error=refusal.message, status=refusal.status_code)
        form.add_error(None, refusal.message)
        return _page(request, standing, form=form, status=refusal.status_code)
    except CourseError as refusal:
        return _page(request, standing, error=refusal.message, status=refusal.status_code)
    messages.success(request, "Credit claimed. Your certificate is being prepared and will be ready in a moment.")
    return redirect("live_credit:session_credit", session_id=session_id)


@director_required
@require_http_methods(["GET", "POST"])
def designate(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_object_or_404(LiveSession.objects.select_related("cohort__program", "credit_activity"), pk=session_id)
    form = DesignateForm(request.POST or None)
    faculty_forms = FacultyFormSet(request.POST or None, prefix="faculty")
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and faculty_forms.is_valid():
            faculty = [person for person in (f.as_faculty() for f in faculty_forms.forms) if person is not None]
            try:
                credit_services.live_session_designate_for_credit(
                    session=session,
                    credits_max=form.cleaned_data["credits_max"],
                    accme_activity_id=form.cleaned_data["accme_activity_id"],
                    faculty=faculty,
                    by=request.user,
                )
            except CoursePublishError as refusal:
                problems = refusal.problems
            except CourseError as refusal:
                problems = [refusal.message]
                status = refusal.status_code
            else:
                messages.success(request, f"“{session.title}” is designated for credit.")
                return redirect("live_credit:designate", session_id=session.pk)
    return render(
        request,
        "programs/credit/designate.html",
        {
            "session": session,
            "form": form,
            "faculty_forms": faculty_forms,
            "problems": problems,
            "ceiling": credit_services.live_session_credits_ceiling(session),
        },
        status=status,
    )
