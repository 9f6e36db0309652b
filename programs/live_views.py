"""A cohort's curriculum, its live sessions, the attendance roster, check-in and calendars.

Everyone outside a session's cohort gets a 404 (programs/access.py), signed in or not; the
calendar feed alone needs no sign-in, because calendar apps cannot sign in: its secret token
is the key."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.errors import InvalidSubmission
from programs import live_selectors, live_services
from programs.access import can_run_cohort, current_participation, is_program_director, second_factor_for_directors
from programs.calendar import sessions_calendar
from programs.live_forms import AttendanceMarkForm, CheckInForm, SessionRescheduleForm
from programs.live_selectors import SessionViewer
from programs.models.programs import Cohort, Participant, ParticipantStatus
from programs.models.sessions import CHECK_IN_CLOSES_AFTER, CHECK_IN_OPENS_BEFORE


def _viewer(request: HttpRequest, session_id: int) -> SessionViewer:
    viewer = live_selectors.session_viewer(session_id=session_id, user=request.user)
    if viewer is None:
        raise Http404("No such session.")
    return viewer


def _runner(request: HttpRequest, session_id: int) -> SessionViewer:
    viewer = _viewer(request, session_id)
    if not viewer.runs_cohort:
        raise Http404("No such page.")
    return viewer


@require_GET
@second_factor_for_directors
def curriculum(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    participant = current_participation(request.user, cohort)
    if participant is None and not can_run_cohort(request.user, cohort):
        raise Http404("No such cohort.")
    steps = live_selectors.curriculum_for(cohort=cohort, participant=participant)
    return render(
        request,
        "programs/live/curriculum.html",
        {"cohort": cohort, "participant": participant, "steps": steps},
    )


def _ics_response(content: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@second_factor_for_directors
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request, session_id)
    session = viewer.session
    context = {
        "session": session,
        "viewer": viewer,
        "is_director": is_program_director(request.user),
        "when": live_selectors.session_when(session),
        "credit_course": live_selectors.session_credit_course(session=session),
        "acknowledged_at": live_selectors.disclosures_acknowledged_at(session=session, participant=viewer.participant),
        "attendance": live_selectors.attendance_of(session=session, participant=viewer.participant),
    }
    return render(request, "programs/live/session.html", context)


@require_POST
@second_factor_for_directors
def session_disclosures(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request, session_id)
    if viewer.participant is None or viewer.session.credit_activity_id is None:
        raise Http404("No such page.")
    live_services.session_disclosures_acknowledge(session=viewer.session, participant=viewer.participant)
    messages.success(request, "Thank you: you acknowledged the faculty disclosures for this session.")
    return redirect("live:session", session_id=viewer.session.pk)


@require_http_methods(["GET", "POST"])
@second_factor_for_directors
def session_reschedule(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _runner(request, session_id)
    session = viewer.session
    form = SessionRescheduleForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            live_services.live_session_reschedule(session=session, by=request.user, **form.cleaned_data)
        except InvalidSubmission as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Session saved. Subscribed calendars will show the change at their next update.")
            return redirect("live:session", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "programs/live/reschedule.html", {"session": session, "form": form}, status=status)


@require_GET
@second_factor_for_directors
def session_ics(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _viewer(request, session_id).session
    return _ics_response(sessions_calendar([session], name=session.title), filename=f"session-{session.pk}.ics")


@require_http_methods(["GET", "POST"])
@second_factor_for_directors
def attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _runner(request, session_id)
    session = viewer.session
    if request.method == "POST":
        form = AttendanceMarkForm(request.POST)
        if not form.is_valid():
            return HttpResponse("That mark was not understood. Reload the roster and try again.", status=400)
        participant = (
            Participant.objects.filter(pk=form.cleaned_data["participant"], cohort_id=session.cohort_id)
            .exclude(status=ParticipantStatus.WITHDRAWN)
            .select_related("user")
            .first()
        )
        if participant is None:
            return HttpResponse("That person is not a participant of this cohort.", status=400)
        present = form.cleaned_data["present"]
        live_services.attendance_mark(session=session, participant=participant, present=present, by=request.user)
        state = "present" if present else "absent"
        messages.success(request, f"{participant.display_name}: marked {state}.")
        return redirect(f"{request.path}#participant-{participant.pk}")
    groups = live_selectors.roster_for(session=session)
    context = {
        "session": session,
        "when": live_selectors.session_when(session),
        "groups": groups,
        "present_count": sum(group.present_count for group in groups),
        "participant_count": sum(len(group.rows) for group in groups),
        "check_in_is_open": session.check_in_is_open(),
        "check_in_qr": live_selectors.check_in_qr_svg(session),
    }
    return render(request, "programs/live/attendance.html", context)


@require_POST
@second_factor_for_directors
def check_in_code_regenerate(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _runner(request, session_id).session
    live_services.check_in_code_regenerate(session=session, by=request.user)
    messages.success(request, "New check-in code. The old one no longer works.")
    return redirect("live:attendance", session_id=session.pk)


@require_http_methods(["GET", "POST"])
@second_factor_for_directors
def check_in(request: HttpRequest, session_id: int) -> HttpResponse:
    viewer = _viewer(request, session_id)
    session = viewer.session
    if viewer.participant is None and request.method == "POST":
        raise Http404("Check-in is for the cohort's participants.")
    # The slide's QR code opens this page with the code filled in (?code=…); it is still checked.
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            attendance = live_services.check_in_record(
                session=session, participant=viewer.participant, code=form.cleaned_data["code"]
            )
        except live_services.CheckInRefused as refusal:
            form.add_error("code", refusal.message)
            status = 400
        else:
            at = attendance.recorded_at.astimezone(session.zone).strftime("%H:%M")
            messages.success(request, f"You are checked in to {session.title} at {at}. Welcome!")
            return redirect("live:session", session_id=session.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "session": session,
        "viewer": viewer,
        "form": form,
        "attendance": live_selectors.attendance_of(session=session, participant=viewer.participant),
        "when": live_selectors.session_when(session),
        "opens_before_minutes": int(CHECK_IN_OPENS_BEFORE.total_seconds() // 60),
        "closes_after_minutes": int(CHECK_IN_CLOSES_AFTER.total_seconds() // 60),
    }
    return render(request, "programs/live/check_in.html", context, status=status)


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    participant = get_object_or_404(
        Participant.objects.select_related("cohort__program").exclude(status=ParticipantStatus.WITHDRAWN),
        calendar_token=token,
    )
    sessions = live_selectors.cohort_sessions(cohort_id=participant.cohort_id)
    content = sessions_calendar(sessions, name=str(participant.cohort))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    # The URL is a secret: no shared cache may keep a copy, and no referrer carries it on.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@second_factor_for_directors
def calendar_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404("No such page.")
    participations = live_selectors.calendar_participations(user=request.user)
    if not participations:
        raise Http404("No such page.")
    feeds = []
    for participant in participations:
        # The site's public address, as certificates use it: the page may be reached through a proxy.
        https_url = settings.SITE_URL + reverse("live:calendar_feed", args=[participant.calendar_token])
        feeds.append(
            {
                "participant": participant,
                "https_url": https_url,
                "webcal_url": "webcal://" + https_url.split("://", 1)[1],
            }
        )
    return render(request, "programs/live/calendar.html", {"feeds": feeds})


@require_POST
@second_factor_for_directors
def calendar_reset(request: HttpRequest, participant_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404("No such page.")
    participant = get_object_or_404(
        Participant.objects.exclude(status=ParticipantStatus.WITHDRAWN), pk=participant_id, user=request.user
    )
    live_services.calendar_token_reset(participant=participant)
    messages.success(
        request, "Your calendar link is new. Subscribe again with it; the old link no longer shows sessions."
    )
    return redirect("live:calendar")
