"""The charts of a cohort's report, drawn by reports/charts.py; each template puts the same
figures in a table beside its chart."""

from django.utils.safestring import SafeString

from programs.report_selectors import CohortReport
from reports import charts


def _percent_text(value: float) -> str:
    return f"{value:.0f} %"


def report_charts(report: CohortReport) -> dict[str, SafeString]:
    retention = report.retention
    session_bars = [(row.session.title, (row.share or 0) * 100) for row in report.sessions]
    course_bars = [(row.course.title, (row.share or 0) * 100) for row in report.courses if row.institution is None]
    milestone_bars = [(row.institution.label, (row.on_time_share or 0) * 100) for row in report.milestones]
    return {
        "retention": charts.stacked_columns(
            chart_id="retention-chart",
            title="Participants by institution and status",
            description="; ".join(
                f"{row.institution.label}: {row.active} active, {row.completed} completed, {row.withdrawn} withdrawn"
                for row in retention
            )
            + ".",
            categories=[row.institution.label for row in retention],
            series=[
                ("Active", [row.active for row in retention]),
                ("Completed", [row.completed for row in retention]),
                ("Withdrawn", [row.withdrawn for row in retention]),
            ],
        ),
        "sessions": charts.horizontal_bars(
            chart_id="sessions-chart",
            title="Attendance per session",
            description="; ".join(f"{label}: {value:.0f} %" for label, value in session_bars) + ".",
            bars=session_bars,
            value_text=_percent_text,
        ),
        "courses": charts.horizontal_bars(
            chart_id="courses-chart",
            title="Course completion",
            description="; ".join(f"{label}: {value:.0f} %" for label, value in course_bars) + ".",
            bars=course_bars,
            value_text=_percent_text,
        ),
        "milestones": charts.horizontal_bars(
            chart_id="milestones-chart",
            title="Project milestones completed on time",
            description="; ".join(f"{label}: {value:.0f} %" for label, value in milestone_bars) + ".",
            bars=milestone_bars,
            value_text=_percent_text,
        ),
    }
