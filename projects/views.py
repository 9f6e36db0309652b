"""The participant's project pages: propose, edit, milestones, final report, showcase opt-in;
the project page itself, which the cohort's facilitators and directors see too. Anyone else
gets a 404: the project does not exist for them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.mfa import has_totp, mfa_enrolment_redirect
from programs.access import is_program_director
from programs.models import Participant
from projects import selectors, services
from projects.forms import FinalReportForm, MilestoneDoneForm, MilestoneForm, ProjectForm, ReviewForm, ShowcaseForm
from projects.models import Project, ProjectStatus
from projects.services import ProjectError


def _own_project(request: HttpRequest, project_id: int) -> Project:
    try:
        return selectors.project_for_participant(user=request.user, project_id=project_id)
    except Project.DoesNotExist as error:
        raise Http404("No such project.") from error


def director_needs_second_factor(user) -> bool:
    # Directors see every cohort's projects only after enrolling a second factor, like all staff.
    return is_program_director(user) and not has_totp(user)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    try:
        participant = selectors.participation_for_new_project(
            user=request.user, cohort_id=int(request.GET.get("cohort", ""))
        )
    except (ValueError, Participant.DoesNotExist) as error:
        raise Http404("No such cohort.") from error
    existing = Project.objects.filter(participant=participant).first()
    form = ProjectForm(
        request.POST or None, cohort=participant.cohort, initial={"institution": participant.institution}
    )
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            project = services.project_propose(participant=participant, **form.cleaned_data)
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your project is proposed. Add its milestones next.")
            return redirect(project)
    status = 200
    if existing is not None:
        status = 409 if request.method == "POST" else 200
    context = {"form": form, "participant": participant, "existing": existing}
    return render(request, "projects/project_form.html", context, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project, runs_cohort = selectors.project_for_viewer(user=request.user, project_id=project_id)
    except Project.DoesNotExist as error:
        raise Http404("No such project.") from error
    if runs_cohort and director_needs_second_factor(request.user):
        return mfa_enrolment_redirect(request)
    is_owner = not runs_cohort
    context = {
        "project": project,
        "is_owner": is_owner,
        "runs_cohort": runs_cohort,
        "is_completed": project.status == ProjectStatus.COMPLETED,
        "review_form": ReviewForm() if runs_cohort else None,
        "showcase_form": ShowcaseForm(
            initial={"is_showcased": project.is_showcased, "showcase_summary": project.showcase_summary}
        )
        if is_owner and project.status == ProjectStatus.COMPLETED
        else None,
        **selectors.project_page(project=project),
    }
    return render(request, "projects/project_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _own_project(request, project_id)
    if project.status == ProjectStatus.COMPLETED:
        raise Http404("A completed project is no longer edited.")
    form = ProjectForm(
        request.POST or None,
        instance=None,
        cohort=project.participant.cohort,
        initial={
            "title": project.title,
            "aim": project.aim,
            "institution": project.institution,
            "team": project.team,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.project_update(project=project, **form.cleaned_data)
        messages.success(request, "Your project is saved.")
        return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def milestone_form(request: HttpRequest, project_id: int, milestone_id: int | None = None) -> HttpResponse:
    project = _own_project(request, project_id)
    if project.status == ProjectStatus.COMPLETED:
        raise Http404("A completed project is no longer edited.")
    milestone = get_object_or_404(project.milestones, pk=milestone_id) if milestone_id else None
    initial = {"title": milestone.title, "due_date": milestone.due_date} if milestone else None
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if milestone is None:
            services.milestone_add(project=project, **form.cleaned_data)
            messages.success(request, "The milestone is added.")
        else:
            services.milestone_update(milestone=milestone, **form.cleaned_data)
            messages.success(request, "The milestone is saved.")
        return redirect(project)
    context = {"form": form, "project": project, "milestone": milestone}
    return render(request, "projects/milestone_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def milestone_done(request: HttpRequest, project_id: int, milestone_id: int) -> HttpResponse:
    project = _own_project(request, project_id)
    milestone = get_object_or_404(project.milestones.select_related("project"), pk=milestone_id)
    form = MilestoneDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("completed_on", ["Enter a valid date."])))
        return redirect(project)
    try:
        services.milestone_mark_done(milestone=milestone, completed_on=form.cleaned_data["completed_on"])
    except ProjectError as error:
        messages.error(request, str(error))
    else:
        done = form.cleaned_data["completed_on"]
        messages.success(request, f"“{milestone.title}” is marked {'done' if done else 'not done'}.")
    return redirect(project)


@login_required
@require_http_methods(["GET", "POST"])
def final_report_upload(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _own_project(request, project_id)
    if project.status == ProjectStatus.COMPLETED:
        raise Http404("The final report of a completed project is no longer replaced.")
    form = FinalReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.final_report_submit(project=project, upload=form.cleaned_data["report"])
        except (ProjectError, ValidationError) as error:
            form.add_error("report", error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, "Your final report is submitted. Your facilitator will review it.")
            return redirect(project)
    context = {"form": form, "project": project}
    return render(request, "projects/final_report_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def final_report_download(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        project, runs_cohort = selectors.project_for_viewer(user=request.user, project_id=project_id)
    except Project.DoesNotExist as error:
        raise Http404("No such project.") from error
    if runs_cohort and director_needs_second_factor(request.user):
        return mfa_enrolment_redirect(request)
    if not project.final_report:
        raise Http404("No final report yet.")
    try:
        handle = project.final_report.open("rb")
    except FileNotFoundError as error:
        raise Http404("The final report file is missing.") from error
    filename = f"final-report-{project.pk}.pdf"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def showcase_settings(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _own_project(request, project_id)
    if project.status != ProjectStatus.COMPLETED:
        raise Http404("Only a completed project joins the showcase.")
    form = ShowcaseForm(request.POST)
    if form.is_valid():
        try:
            services.project_showcase_set(
                project=project,
                is_showcased=form.cleaned_data["is_showcased"],
                summary=form.cleaned_data["showcase_summary"],
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            shown = form.cleaned_data["is_showcased"]
            messages.success(request, "Your project is on the showcase." if shown else "Your project is not shown.")
            return redirect(project)
    context = {
        "project": project,
        "is_owner": True,
        "runs_cohort": False,
        "is_completed": True,
        "showcase_form": form,
        **selectors.project_page(project=project),
    }
    return render(request, "projects/project_detail.html", context, status=400)
