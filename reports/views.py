"""Report pages and exports for CME administrators.

The access check wraps every view first, so anyone else gets the same 404 whatever the
method or parameters (see `reports.access`)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from courses.models import Course
from lms.csv_export import csv_stream
from reports import exports, figures, item_analysis, pars_export, selectors, services
from reports.access import report_viewer_required
from reports.forms import ExportFilterForm, ItemAnalysisForm, ParsDownloadForm, ParsForm, PeriodForm
from reports.models import ExportLog

RECENT_EXPORTS = 20


def _period_form(request: HttpRequest, form_class=PeriodForm):
    """The filter form from the query string, and the status to answer with (400 when invalid)."""
    form = form_class(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, 400
    return form, 200


@report_viewer_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form, status = _period_form(request)
    context = {"form": form}
    if status == 200:
        period = form.period()
        funnels, total = selectors.enrollment_funnels(period=period)
        months = selectors.credits_by_month(period=period)
        groups = selectors.learner_groups(period=period)
        professions, institutions = groups.professions, groups.institutions
        context.update(
            {
                "period": period,
                "period_query": urlencode(period.as_query()),
                "funnels": funnels,
                "total": total,
                "funnel_chart": figures.funnel_chart(total),
                "months": months,
                "credits_chart": figures.credits_chart(months) if months else None,
                "professions": professions,
                "profession_chart": figures.groups_chart(
                    professions, chart_id="profession-chart", title="Learners by profession"
                ),
                "institutions": institutions,
                "institution_chart": figures.groups_chart(
                    institutions, chart_id="institution-chart", title="Learners by institution"
                ),
                "downloads": selectors.resource_downloads(period=period),
                "recent_downloads": selectors.recent_resource_downloads(period=period),
            }
        )
    return render(request, "reports/overview.html", context, status=status)


@report_viewer_required
@require_GET
def course_items(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    form, status = _period_form(request, ItemAnalysisForm)
    context = {"form": form, "course": course}
    if status == 200:
        attempts = (form.cleaned_data.get("attempts") if form.is_bound else "") or "first"
        analysis = item_analysis.item_analysis(course=course, period=form.period(), attempts=attempts)
        context.update(
            {
                "analysis": analysis,
                "attempts": attempts,
                "period": form.period(),
                "item_map": figures.item_map_chart(analysis) if analysis.attempts else None,
            }
        )
    return render(request, "reports/item_analysis.html", context, status=status)


@report_viewer_required
@require_GET
def course_evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    course = get_object_or_404(Course, slug=slug)
    form, status = _period_form(request)
    context = {"form": form, "course": course}
    if status == 200:
        summary = selectors.evaluation_summary(course=course, period=form.period())
        context.update(
            {
                "summary": summary,
                "period": form.period(),
                "likert_chart": figures.likert_chart(summary.likert) if summary.respondents else None,
            }
        )
    return render(request, "reports/evaluation.html", context, status=status)


@report_viewer_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    form, status = _period_form(request, ExportFilterForm)
    query = request.GET.urlencode() if status == 200 else ""
    recent = ExportLog.objects.select_related("course")[:RECENT_EXPORTS]
    return render(
        request,
        "reports/exports.html",
        {
            "form": form,
            "exports": exports.CSV_EXPORTS.values(),
            "query": query,
            "recent": recent,
        },
        status=status,
    )


@report_viewer_required
@require_GET
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    export = exports.CSV_EXPORTS.get(slug)
    form = ExportFilterForm(request.GET)
    if export is None:
        return render(
            request, "reports/exports.html", {"form": form, "exports": exports.CSV_EXPORTS.values()}, status=404
        )
    if not form.is_valid():
        return render(
            request, "reports/exports.html", {"form": form, "exports": exports.CSV_EXPORTS.values()}, status=400
        )
    course, period = form.cleaned_data["course"], form.period()
    log = services.export_log_create(user=request.user, kind=export.kind, course=course, period=period)
    stream = csv_stream(
        header=export.header,
        rows=export.rows(course=course, period=period),
        on_finish=lambda row_count: services.export_log_finish(log=log, row_count=row_count),
    )
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    filename = exports.export_filename(slug=export.slug, course=course, period=period)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _pars_context(form: ParsForm) -> dict:
    if not form.is_valid():
        return {"form": form}
    preview = pars_export.pars_preview(
        course=form.cleaned_data["course"], period=form.period(), include_exported=form.cleaned_data["include_exported"]
    )
    return {"form": form, "preview": preview}


@report_viewer_required
@require_GET
def pars_report(request: HttpRequest) -> HttpResponse:
    form = ParsForm(request.GET or None)
    context = _pars_context(form) if form.is_bound else {"form": form}
    return render(request, "reports/pars.html", context, status=400 if form.is_bound and form.errors else 200)


# Pages saved before the tab-delimited file replaced the CSV still post this format.
RETIRED_PARS_FORMATS = {"csv"}
PARS_FILE_EXTENSIONS = {"xlsx": "xlsx", "tab": "txt"}


@report_viewer_required
@require_POST
def pars_download(request: HttpRequest) -> HttpResponse:
    if request.POST.get("file_format") in RETIRED_PARS_FORMATS:
        # Nothing is exported or recorded: back to the page, whose buttons offer the PARS formats.
        messages.info(
            request,
            "CSV is not a PARS upload format and is no longer offered. Download the Excel "
            "learner template or the tab-delimited learner batch file instead.",
        )
        query = {
            key: request.POST[key]
            for key in ("course", "date_from", "date_to", "include_exported")
            if request.POST.get(key)
        }
        response = HttpResponseRedirect(f"{reverse('reports:pars')}?{urlencode(query)}")
        response.status_code = 303  # See Other: the browser fetches the page, never re-posts
        return response
    form = ParsDownloadForm(request.POST)
    if not form.is_valid():
        return render(request, "reports/pars.html", {"form": form}, status=400)
    course, file_format = form.cleaned_data["course"], form.cleaned_data["file_format"]
    try:
        log, learners = services.pars_export_create(
            user=request.user,
            course=course,
            period=form.period(),
            include_exported=form.cleaned_data["include_exported"],
            file_format=file_format,
        )
    except services.ParsExportError as error:
        messages.error(request, error.message)
        return render(request, "reports/pars.html", _pars_context(form), status=409)
    filename = exports.export_filename(
        slug="pars", course=course, period=form.period(), extension=PARS_FILE_EXTENSIONS[file_format]
    )
    if file_format == "xlsx":
        return FileResponse(
            pars_export.pars_xlsx(course=course, learners=learners),
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = HttpResponse(
        pars_export.pars_tab(course=course, learners=learners), content_type="text/tab-separated-values; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
