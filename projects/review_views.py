"""The facilitators' side: a cohort's projects at a glance, and the review of one project
(written feedback, accepting the final report or sending it back). Facilitators of the
cohort and program directors only; a 404 for everyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.mfa import mfa_enrolment_redirect
from programs.models import Cohort
from projects import selectors, services
from projects.access import director_needs_second_factor, project_viewer
from projects.forms import ReviewAction, ReviewForm
from projects.models import Project, ProjectStatus
from projects.services import ProjectError
from projects.views import render_project_page


@login_required
@require_GET
def cohort_projects(request: HttpRequest, cohort_id: int) -> HttpResponse:
    try:
        cohort = selectors.cohort_for_runner(user=request.user, cohort_id=cohort_id)
    except Cohort.DoesNotExist as error:
        raise Http404("No such cohort.") from error
    if director_needs_second_factor(request.user):
        return mfa_enrolment_redirect(request)
    projects = selectors.cohort_projects(cohort=cohort)
    context = {
        "cohort": cohort,
        "projects": projects,
        "without_project": selectors.cohort_participants_without_project(cohort=cohort),
        "statuses": ProjectStatus,
        "to_review": sum(project.status == ProjectStatus.REPORT_SUBMITTED for project in projects),
    }
    return render(request, "projects/cohort_projects.html", context)


@login_required
@require_POST
@project_viewer
def project_review(request: HttpRequest, project: Project, runs_cohort: bool) -> HttpResponse:
    if not runs_cohort:
        raise Http404("No such project.")
    form = ReviewForm(request.POST)
    if form.is_valid():
        action, body = form.cleaned_data["action"], form.cleaned_data["body"].strip()
        try:
            if action == ReviewAction.ACCEPT:
                services.project_accept(project=project, author=request.user, body=body)
                messages.success(request, f"“{project.title}” is completed. The participant is told by e-mail.")
            elif action == ReviewAction.SEND_BACK:
                services.project_send_back(project=project, author=request.user, body=body)
                messages.success(request, "The report is sent back with your feedback.")
            else:
                services.project_feedback_give(project=project, author=request.user, body=body)
                messages.success(request, "Your feedback is sent.")
        except ProjectError as error:
            form.add_error(error.field, str(error))
        else:
            return redirect(project)
    return render_project_page(request, project, runs_cohort=True, review_form=form, status=400)


@login_required
@require_GET
def projects_home(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/home.html", selectors.projects_home(user=request.user))


@require_GET
def showcase(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/showcase.html", {"projects": selectors.showcase_projects()})
