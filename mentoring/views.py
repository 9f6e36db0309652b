"""Mentoring pages: directors pair participants with mentors in a cohort; the two sides of a
pairing log their meetings. A pairing is visible to its mentor, its participant and
directors only: for anyone else (facilitators included) its pages are a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.mfa import has_totp, mfa_enrolment_redirect
from mentoring import selectors, services
from mentoring.errors import MentoringError
from mentoring.forms import MeetingForm, NotMetFilterForm, PairingForm
from mentoring.models import MentoringMeeting, MentorPairing
from programs.access import director_required
from programs.models import Cohort


@login_required
def home(request: HttpRequest) -> HttpResponse:
    pairings = selectors.pairings_of_user(user=request.user)
    return render(request, "mentoring/home.html", {"pairings": pairings})


def _cohort_page(request: HttpRequest, cohort: Cohort, pairing_form: PairingForm, status: int = 200) -> HttpResponse:
    filter_form = NotMetFilterForm(
        request.GET if "weeks" in request.GET else {"weeks": selectors.DEFAULT_NOT_MET_WEEKS}
    )
    weeks = filter_form.weeks_value
    context = {
        "cohort": cohort,
        "roster": selectors.cohort_mentoring_roster(cohort=cohort),
        "pairing_form": pairing_form,
        "filter_form": filter_form,
        "weeks": weeks,
        "not_met": selectors.pairings_not_met_since(cohort=cohort, weeks=weeks),
    }
    return render(request, "mentoring/cohort.html", context, status=status)


@director_required
def cohort_pairings(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    if request.method != "POST":
        return _cohort_page(request, cohort, PairingForm(cohort=cohort))
    form = PairingForm(request.POST, cohort=cohort)
    if form.is_valid():
        participant = form.cleaned_data["participant"]
        try:
            services.mentor_pairing_create(participant=participant, mentor=form.mentor, paired_by=request.user)
        except MentoringError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{form.mentor.email} now mentors {participant.display_name}. They have been e-mailed."
            )
            return redirect("mentoring:cohort", cohort_id=cohort.pk)
    return _cohort_page(request, cohort, form, status=400)


@director_required
@require_POST
def pairing_end(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = get_object_or_404(MentorPairing.objects.select_related("participant__user", "mentor"), pk=pairing_id)
    try:
        services.mentor_pairing_end(pairing=pairing)
    except MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{pairing.mentor.email} no longer mentors {pairing.participant.display_name}.")
    return redirect("mentoring:cohort", cohort_id=pairing.participant.cohort_id)


def _visible_pairing(request: HttpRequest, pairing_id: int) -> MentorPairing:
    return get_object_or_404(selectors.pairings_visible_to(user=request.user), pk=pairing_id)


def _is_side_of(pairing: MentorPairing, user) -> bool:
    return user.pk in (pairing.mentor_id, pairing.participant.user_id)


def _saved(form: MeetingForm, save) -> bool:
    """Validate the meeting form and hand its fields to a service; a refusal becomes a form error."""
    if not form.is_valid():
        return False
    try:
        save(**form.cleaned_data)
    except MentoringError as error:
        form.add_error(None, error.message)
        return False
    return True


def pairing_detail(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = _visible_pairing(request, pairing_id)
    is_director_view = not _is_side_of(pairing, request.user)
    # Directors read the notes only after enrolling a second factor, as on every director page.
    if is_director_view and not has_totp(request.user):
        return mfa_enrolment_redirect(request)
    can_log = pairing.is_current and _is_side_of(pairing, request.user)
    form = MeetingForm()
    status = 200
    if request.method == "POST":
        if not can_log:
            raise Http404("No such page.")
        form = MeetingForm(request.POST)
        if _saved(
            form, lambda **fields: services.mentoring_meeting_log(pairing=pairing, logged_by=request.user, **fields)
        ):
            messages.success(request, "Meeting logged.")
            return redirect("mentoring:pairing", pairing_id=pairing.pk)
        status = 400
    context = {
        "pairing": pairing,
        "meetings": selectors.meetings_of(pairing=pairing),
        "form": form if can_log else None,
        "is_director_view": is_director_view,
    }
    return render(request, "mentoring/pairing.html", context, status=status)


def _own_meeting(request: HttpRequest, pairing_id: int, meeting_id: int) -> MentoringMeeting:
    """A meeting the signed-in user logged, in a current pairing they are part of."""
    pairing = _visible_pairing(request, pairing_id)
    if not (pairing.is_current and _is_side_of(pairing, request.user)):
        raise Http404("No such page.")
    meeting = get_object_or_404(MentoringMeeting, pk=meeting_id, pairing=pairing, logged_by=request.user)
    meeting.pairing = pairing
    return meeting


def meeting_edit(request: HttpRequest, pairing_id: int, meeting_id: int) -> HttpResponse:
    meeting = _own_meeting(request, pairing_id, meeting_id)
    form = MeetingForm(instance=meeting)
    status = 200
    if request.method == "POST":
        form = MeetingForm(request.POST, instance=meeting)
        if _saved(
            form, lambda **fields: services.mentoring_meeting_update(meeting=meeting, user=request.user, **fields)
        ):
            messages.success(request, "Meeting updated.")
            return redirect("mentoring:pairing", pairing_id=pairing_id)
        status = 400
    context = {"pairing": meeting.pairing, "meeting": meeting, "form": form}
    return render(request, "mentoring/meeting_edit.html", context, status=status)


@require_POST
def meeting_delete(request: HttpRequest, pairing_id: int, meeting_id: int) -> HttpResponse:
    meeting = _own_meeting(request, pairing_id, meeting_id)
    try:
        services.mentoring_meeting_delete(meeting=meeting, user=request.user)
    except MentoringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Meeting deleted.")
    return redirect(reverse("mentoring:pairing", args=[pairing_id]))
