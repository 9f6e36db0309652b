"""The director's review queue, an application's letter of support, and a cohort's roster."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.mfa import has_totp, mfa_enrolment_redirect
from lms.files import private_pdf_response
from programs import selectors, services, waitlist_services
from programs.access import can_run_cohort, director_required, is_program_director
from programs.forms import DecisionForm
from programs.models import Cohort, Participant


@require_GET
@director_required
def review_cohorts(request: HttpRequest) -> HttpResponse:
    waitlist_services.offers_expire()
    return render(request, "programs/review_cohorts.html", {"cohorts": selectors.cohorts_for_review()})


@require_GET
@director_required
def review_cohort(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    waitlist_services.offers_expire(cohort_id=cohort.pk)
    cohort.refresh_from_db(fields=["seats_taken"])
    groups = selectors.review_queue(cohort=cohort)
    return render(request, "programs/review_cohort.html", {"cohort": cohort, "groups": groups})


@director_required
def review_application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.application_for_review(application_id=application_id)
    if application is None:
        raise Http404("No such application.")
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            decide = {
                DecisionForm.ACCEPT: services.application_accept,
                DecisionForm.WAITLIST: services.application_waitlist,
                DecisionForm.DECLINE: services.application_decline,
            }[form.cleaned_data["decision"]]
            try:
                decided = decide(application=application, director=request.user, note=form.cleaned_data["note"])
            except services.ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"{decided.applicant.get_full_name() or decided.applicant.email}: "
                    f"{decided.get_status_display().lower()}.",
                )
                return redirect("programs:review_cohort", cohort_id=application.cohort_id)
    context = {
        "application": application,
        "cohort": application.cohort,
        "form": form,
        "waitlist_position": selectors.waitlist_position(application),
    }
    return render(request, "programs/review_application.html", context, status=400 if form.errors else 200)


@require_GET
@director_required
def support_letter(request: HttpRequest, application_id: int) -> FileResponse:
    application = selectors.application_for_review(application_id=application_id)
    if application is None:
        raise Http404("No such application.")
    filename = f"support-letter-{application.cohort.program.slug}-{application.cohort.year}-{application.pk}.pdf"
    return private_pdf_response(
        application.support_letter.name, filename=filename, missing="The letter of support is missing."
    )


def _cohort_for_its_team(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    if not can_run_cohort(request.user, cohort):
        raise Http404("No such cohort.")
    return cohort


@require_GET
def roster(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort_for_its_team(request, cohort_id)
    is_director = is_program_director(request.user)
    if is_director and not has_totp(request.user):
        return mfa_enrolment_redirect(request)
    groups, withdrawn = selectors.roster(cohort=cohort)
    context = {
        "cohort": cohort,
        "groups": groups,
        "withdrawn": withdrawn,
        "active_count": sum(group.count for group in groups),
        "is_director": is_director,
    }
    return render(request, "programs/roster.html", context)


@require_POST
@director_required
def participant_withdraw(request: HttpRequest, cohort_id: int, participant_id: int) -> HttpResponse:
    participant = get_object_or_404(Participant.objects.select_related("user"), pk=participant_id, cohort_id=cohort_id)
    try:
        services.participant_withdraw(participant=participant, director=request.user)
    except services.ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{participant.display_name} has withdrawn; their seat is offered to the next on the waitlist, if anyone is waiting.",
        )
    return redirect("programs:roster", cohort_id=cohort_id)
