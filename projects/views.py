"""The participant's project pages: propose, edit, milestones, final report, showcase opt-in;
the project page itself, which the cohort's facilitators and directors see too. Anyone else
gets a 404: the project does not exist for them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.files import private_pdf_response
from programs.models import Participant
from projects import selectors, services
from projects.access import own_project, project_viewer
from projects.forms import FinalReportForm, MilestoneDoneForm, MilestoneForm, ProjectForm, ReviewForm, ShowcaseForm
from projects.models import Project, ProjectStatus
from projects.services import ProjectError


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
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "Your project is proposed. Add its milestones next.")
            return redirect(project)
    status = 200
    if existing is not None:
        status = 409 if request.method == "POST" else 200
    context = {"form": form, "participant": participant, "existing": existing}
    return render(request, "projects/project_form.html", context, status=status)


def render_project_page(
    request: HttpRequest,
    project: Project,
    *,
    runs_cohort: bool,
    review_form: ReviewForm | None = None,
    showcase_form: ShowcaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_owner = not runs_cohort
    is_completed = project.status == ProjectStatus.COMPLETED
    if runs_cohort and review_form is None:
        review_form = ReviewForm()
    if is_owner and is_completed and showcase_form is None:
        showcase_form = ShowcaseForm(
            initial={"is_showcased": project.is_showcased, "showcase_summary": project.showcase_summary}
        )
    context = {
        "project": project,
        "is_owner": is_owner,
        "runs_cohort": runs_cohort,
        "is_completed": is_completed,
        "review_form": review_form,
        "showcase_form": showcase_form,
        **selectors.project_page(project=project),
    }
    return render(request, "projects/project_detail.html", context, status=status)


@login_required
@require_GET
@project_viewer
def project_detail(request: HttpRequest, project: Project, runs_cohort: bool) -> HttpResponse:
    return render_project_page(request, project, runs_cohort=runs_cohort)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = own_project(request, project_id)
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
    project = own_project(request, project_id)
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
    project = own_project(request, project_id)
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
    project = own_project(request, project_id)
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
@project_viewer
def final_report_download(request: HttpRequest, project: Project, runs_cohort: bool) -> HttpResponse:
    if not project.final_report:
        raise Http404("No final report yet.")
    return private_pdf_response(
        project.final_report.name,
        filename=f"final-report-{project.pk}.pdf",
        missing="The final report file is missing.",
    )


@login_required
@require_POST
def showcase_settings(request: HttpRequest, project_id: int) -> HttpResponse:
    project = own_project(request, project_id)
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
            form.add_error(error.field, str(error))
        else:
            shown = form.cleaned_data["is_showcased"]
            messages.success(request, "Your project is on the showcase." if shown else "Your project is not shown.")
            return redirect(project)
    return render_project_page(request, project, runs_cohort=False, showcase_form=form, status=400)
