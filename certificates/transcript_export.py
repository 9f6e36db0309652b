"""The learner's transcript as a CSV file, written by the same helper as the administrators' exports."""

from collections.abc import Iterator

from certificates.selectors import Transcript
from lms.csv_export import csv_stream

# "Credits" stays a bare number for spreadsheets to add up; "Credit" is the amount as the
# certificate words it, with its unit.
TRANSCRIPT_HEADER = ["Completed", "Activity", "Provider", "Credit type", "Credits", "Certificate code", "Credit"]


def transcript_csv(transcript: Transcript) -> Iterator[str]:
    rows = (
        (
            claim.enrollment.course.completion_date(claim.enrollment.completed_at),
            claim.enrollment.course.title,
            claim.enrollment.course.provider_name,
            claim.get_credit_type_display(),
            f"{claim.credits_claimed:.2f}",
            claim.certificate.code,
            claim.credit_text,
        )
        for claim in transcript.claims
    )
    return csv_stream(header=TRANSCRIPT_HEADER, rows=rows)
