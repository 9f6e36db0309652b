"""Program completion: the participant's checklist and certificate request, and the
directors' list of who is complete with the bulk issue. Outside those roles: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programs.access import current_participation, director_required
from programs.completion_selectors import cohort_completion_statuses, program_completion_status
from programs.completion_services import (
    ProgramNotComplete,
    program_certificate_issue,
    program_certificates_issue_for_cohort,
)
from programs.models import Cohort, Participant


def _own_participation(request: HttpRequest, cohort_id: int) -> Participant:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    participant = current_participation(request.user, cohort)
    if participant is None:
        raise Http404("No such page.")
    return participant


def _checklist(request: HttpRequest, participant: Participant, *, refused: ProgramNotComplete | None = None):
    return render(
        request,
        "programs/completion/checklist.html",
        {"status": program_completion_status(participant), "cohort": participant.cohort, "refused": refused},
        status=400 if refused else 200,
    )


@login_required
def completion_checklist(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _checklist(request, _own_participation(request, cohort_id))


@login_required
@require_POST
def completion_certificate_request(request: HttpRequest, cohort_id: int) -> HttpResponse:
    participant = _own_participation(request, cohort_id)
    try:
        program_certificate_issue(participant=participant)
    except ProgramNotComplete as refused:
        return _checklist(request, participant, refused=refused)
    messages.success(request, "Your certificate of completion is being prepared; it will be ready in a moment.")
    return redirect("certificates:list")


@director_required
def completion_roster(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    statuses = cohort_completion_statuses(cohort=cohort)
    return render(
        request,
        "programs/completion/roster.html",
        {
            "cohort": cohort,
            "statuses": statuses,
            "ready_count": sum(1 for status in statuses if status.is_complete and not status.has_certificate),
        },
    )


@director_required
@require_POST
def completion_issue_all(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=cohort_id)
    result = program_certificates_issue_for_cohort(cohort=cohort)
    messages.success(
        request,
        f"Certificates issued: {len(result.issued)}. Already issued: {result.already_issued}. "
        f"Not complete yet: {len(result.not_complete)}.",
    )
    return redirect("program_completion:roster", cohort_id=cohort.pk)
