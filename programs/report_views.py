"""Cohort reports for program directors: figures with charts, the participant list with
self-identification, and CSV exports. Everyone else, facilitators included, finds nothing (404)."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lms.csv_export import csv_stream
from programs.access import director_required
from programs.demographics_forms import ParticipantExportForm
from programs.models import Cohort
from programs.report_charts import report_charts
from programs.report_exports import PARTICIPANTS, REPORT_TABLES, report_export_filename
from programs.report_selectors import cohort_report, report_cohorts
from reports.models import ExportKind
from reports.period import Period
from reports.services import export_log_create, export_log_finish


def _cohort(cohort_id: int) -> Cohort:
    return get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)


@director_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/reports/index.html", {"cohorts": report_cohorts()})


@director_required
@require_GET
def cohort_report_page(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    report = cohort_report(cohort=cohort, now=timezone.now())
    context = {
        "cohort": cohort,
        "report": report,
        "charts": report_charts(report),
        "tables": REPORT_TABLES,
        "export_form": ParticipantExportForm(),
    }
    return render(request, "programs/reports/cohort.html", context)


@director_required
@require_GET
def participant_list(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _cohort(cohort_id)
    report = cohort_report(cohort=cohort, now=timezone.now())
    context = {"cohort": cohort, "report": report, "export_form": ParticipantExportForm()}
    return render(request, "programs/reports/participants.html", context)


@director_required
@require_GET
def export_csv(request: HttpRequest, cohort_id: int, slug: str) -> HttpResponse:
    cohort = _cohort(cohort_id)
    table = REPORT_TABLES.get(slug)
    if table is None:
        return HttpResponse("No such export.", status=404, content_type="text/plain; charset=utf-8")
    form = ParticipantExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse("The export options are not valid.", status=400, content_type="text/plain; charset=utf-8")
    include = slug == PARTICIPANTS and form.cleaned_data["include_self_identification"]
    report = cohort_report(cohort=cohort, now=timezone.now())
    log = export_log_create(
        user=request.user,
        kind=ExportKind.PROGRAM_REPORT,
        course=None,
        period=Period(),
        options={"cohort_id": cohort.pk, "table": slug, "include_self_identification": include},
    )
    stream = csv_stream(
        header=table.header_for(include_self_identification=include),
        rows=table.rows(report, include_self_identification=include),
        on_finish=lambda row_count: export_log_finish(log=log, row_count=row_count),
    )
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report_export_filename(cohort=cohort, slug=slug)}"'
    return response
