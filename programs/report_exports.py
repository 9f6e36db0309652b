"""The tables of a cohort's report as CSV files. Each file is streamed through the same
writer and formula guard as the CME reports (lms/csv_export.py) and logged in the export
log; self-identification leaves only when a director ticks the box for it, and the log
records that it did."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from programs.models import Cohort
from programs.report_selectors import CohortReport


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.0f}"


def _retention_rows(report: CohortReport, **options) -> Iterator[tuple]:
    for row in [*report.retention, report.retention_total]:
        yield (row.institution.name, row.accepted, row.active, row.withdrawn, row.completed)


def _session_rows(report: CohortReport, **options) -> Iterator[tuple]:
    for row in report.sessions:
        yield (row.session.title, row.session.starts_at, row.attended, row.present_participants, _percent(row.share))


SELF_IDENTIFICATION_HEADER = [
    "Underrepresented in medicine",
    "Race and ethnicity",
    "Gender identity",
    "First-generation physician",
]


def _self_identification_cells(row) -> tuple:
    answers = row.self_identification
    if answers is None:
        return ("", "", "", "")
    return (
        answers.get_underrepresented_in_medicine_display(),
        answers.race_ethnicity,
        answers.gender_identity,
        answers.first_generation_physician,
    )


def _participant_rows(report: CohortReport, *, include_self_identification: bool = False, **options) -> Iterator[tuple]:
    for row in report.participants:
        participant = row.participant
        cells = (
            participant.display_name,
            participant.user.email,
            participant.institution.name,
            participant.get_status_display(),
            row.attended,
            row.held,
            _percent(row.share),
            row.is_below_required,
        )
        yield cells + _self_identification_cells(row) if include_self_identification else cells


def _course_rows(report: CohortReport, **options) -> Iterator[tuple]:
    for row in report.courses:
        institution = row.institution.name if row.institution else "All institutions"
        yield (row.course.title, institution, row.completed, row.participants, _percent(row.share))


def _milestone_rows(report: CohortReport, **options) -> Iterator[tuple]:
    for row in [*report.milestones, report.milestones_total]:
        yield (row.institution.name, row.completed, row.on_time, _percent(row.on_time_share), row.overdue_open)


@dataclass(frozen=True)
class ReportTable:
    slug: str
    title: str
    header: list[str]
    rows: Callable[..., Iterator[tuple]]

    def header_for(self, *, include_self_identification: bool = False) -> list[str]:
        return self.header + SELF_IDENTIFICATION_HEADER if include_self_identification else self.header


PARTICIPANTS = "participants"

REPORT_TABLES = {
    table.slug: table
    for table in [
        ReportTable(
            "retention",
            "Retention by institution",
            ["Institution", "Accepted", "Active", "Withdrawn", "Completed"],
            _retention_rows,
        ),
        ReportTable(
            "sessions",
            "Attendance per session",
            ["Session", "Started at", "Attended", "Participants in the cohort", "Attended %"],
            _session_rows,
        ),
        ReportTable(
            PARTICIPANTS,
            "Attendance per participant",
            [
                "Participant",
                "Email",
                "Institution",
                "Status",
                "Sessions attended",
                "Sessions held",
                "Attended %",
                "Below the required attendance",
            ],
            _participant_rows,
        ),
        ReportTable(
            "courses",
            "Course completion",
            ["Course", "Institution", "Completed", "Participants", "Completed %"],
            _course_rows,
        ),
        ReportTable(
            "milestones",
            "Project milestones",
            ["Institution", "Completed", "Completed on time", "On time %", "Overdue and open"],
            _milestone_rows,
        ),
    ]
}


def report_export_filename(*, cohort: Cohort, slug: str) -> str:
    return f"docere-{cohort.program.slug}-{cohort.year}-{slug}.csv"
