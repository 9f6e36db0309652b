"""CSV exports: streamed, filtered, logged, disarmed against formula injection, and flat in memory."""

import csv
import io
import tracemalloc
from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from certificates.models import Certificate
from courses.models import Course, Enrollment, EvaluationResponse
from lms.csv_export import cell
from reports.models import ExportKind, ExportLog
from tests.courses.conftest import build_course
from tests.reports.builders import bulk_cohort, bulk_learners
from tests.spreadsheet_cases import FORMULA_TEXTS

pytestmark = pytest.mark.django_db


def _download(client, slug, **query):
    response = client.get(reverse("reports:export_csv", args=[slug]), query)
    assert response.status_code == 200, response.content[:500]
    return response


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def two_courses():
    first = build_course(slug="first-course", modules=1, bank=2, knowledge_checks=False)
    second = build_course(slug="second-course", modules=1, bank=2, knowledge_checks=False)
    bulk_cohort(first, 4, prefix="first")
    bulk_cohort(second, 3, prefix="second")
    return first, second


@pytest.mark.parametrize(
    "slug, rows_for_first_course",
    [
        ("enrollments", 4),
        ("completions", 4),
        ("attempts", 4),
        ("evaluations", 4 * 6),
        ("certificates", 2),
    ],
)
def test_each_export_is_streamed_and_filtered_by_course(admin_browser, two_courses, slug, rows_for_first_course):
    everything = _download(admin_browser, slug)
    one_course = _download(admin_browser, slug, course="first-course")

    assert isinstance(one_course, StreamingHttpResponse)
    assert one_course["Content-Type"] == "text/csv; charset=utf-8"
    assert one_course["Content-Disposition"] == f'attachment; filename="docere-{slug}-first-course.csv"'
    assert len(_rows(one_course)) == 1 + rows_for_first_course
    assert len(_rows(everything)) > 1 + rows_for_first_course


def test_enrollment_export_has_one_row_per_enrollment_with_its_progress(admin_browser, two_courses):
    header, *rows = _rows(_download(admin_browser, "enrollments", course="second-course"))

    assert header[:4] == ["Enrollment ID", "Learner email", "First name", "Last name"]
    first = dict(zip(header, rows[0], strict=True))
    assert first["Learner email"] == "second0@example.org"
    assert first["Profession"] == "Other health professional"
    assert first["Modules completed"] == "1"
    assert first["Credits claimed"] == "1.50"
    assert first["Certificate status"] == "Ready"


def test_date_range_applies_to_the_date_each_export_names(admin_browser, two_courses):
    first, _ = two_courses
    Enrollment.objects.filter(course=first).update(enrolled_at=timezone.make_aware(datetime(2024, 6, 1)))

    rows = _rows(_download(admin_browser, "enrollments", date_from="2024-06-01", date_to="2024-06-30"))

    assert len(rows) == 1 + 4
    assert len(_rows(_download(admin_browser, "enrollments", date_to="2024-05-31"))) == 1


def test_every_export_is_recorded_with_who_what_and_which_filter(admin_browser, administrator, two_courses):
    response = _download(admin_browser, "attempts", course="first-course", date_from="2020-01-01")
    log = ExportLog.objects.get()
    assert (log.kind, log.user, log.user_email, log.course.slug, log.date_from.isoformat(), log.date_to) == (
        ExportKind.ATTEMPTS,
        administrator,
        "cme-office@example.org",
        "first-course",
        "2020-01-01",
        None,
    )
    assert log.row_count is None  # nothing sent yet

    _rows(response)

    log.refresh_from_db()
    assert log.row_count == 4
    assert log.finished_at is not None
    assert "Post-test attempts" in admin_browser.get(reverse("reports:exports")).content.decode()


# Each export with a text column a learner or author can fill: the same guard in all of them.
GUARDED_COLUMNS = [
    ("enrollments", "First name"),
    ("completions", "Institution"),
    ("attempts", "Learner email"),
    ("evaluations", "Text"),
    ("certificates", "Learner name"),
]


@pytest.mark.parametrize("slug, column", GUARDED_COLUMNS)
@pytest.mark.parametrize("dangerous", FORMULA_TEXTS)
def test_cells_a_spreadsheet_would_run_begin_with_an_apostrophe(admin_browser, two_courses, slug, column, dangerous):
    learner = Profile.objects.get(user__email="first0@example.org").user
    Profile.objects.filter(user=learner).update(first_name=dangerous, institution=dangerous)
    EvaluationResponse.objects.filter(enrollment__user=learner).update(text=dangerous)
    Certificate.objects.filter(user=learner).update(learner_name=dangerous)
    get_user_model().objects.filter(pk=learner.pk).update(email=dangerous)

    header, *rows = _rows(_download(admin_browser, slug, course="first-course"))

    values = {dict(zip(header, row, strict=True))[column] for row in rows}
    assert "'" + dangerous in values
    assert dangerous not in values


def test_numbers_stay_numbers_and_only_text_is_guarded():
    # A number written as a number is never prefixed, even when negative; the same figure as text is.
    assert [cell(Decimal("-1.50")), cell(-3), cell(0.5)] == ["-1.50", "-3", "0.5"]
    assert cell("-3") == "'-3"


def test_streaming_20000_rows_keeps_memory_bounded(admin_browser):
    courses = Course.objects.bulk_create(
        [Course(slug=f"bulk-{n}", title=f"Bulk course {n}", summary="S", credits_max=1) for n in range(20)]
    )
    users = bulk_learners(1000, prefix="memory")
    Enrollment.objects.bulk_create(
        [Enrollment(user=user, course=course) for course in courses for user in users], batch_size=5000
    )
    response = _download(admin_browser, "enrollments")

    tracemalloc.start()
    rows = size = 0
    for piece in response.streaming_content:  # read as a browser would, keeping nothing
        size += len(piece)
        rows += piece.count(b"\n")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert rows == 20_001
    # The file is megabytes; what is held at once is one cursor chunk of rows, a fraction of it.
    assert size > 2_500_000
    assert peak < 1_500_000, f"peak {peak:,} bytes while streaming {size:,} bytes"
    print(f"streamed {rows - 1:,} rows, {size:,} bytes; tracemalloc peak {peak:,} bytes")


def test_an_unknown_export_is_not_found(admin_browser):
    assert admin_browser.get(reverse("reports:export_csv", args=["passwords"])).status_code == 404
