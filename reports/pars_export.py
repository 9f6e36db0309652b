"""Which completions go into a course's PARS file, what is missing before they can, and the
files themselves: ACCME's Excel learner template (.xlsx) and its tab-delimited learner batch
file (.txt). Formats live in `reports.pars`; writes in `reports.services`.

A course marked "not reported to PARS" has no file: none of its completions are listed.
Otherwise, a completion is reportable when the course was completed in the period by a physician who,
today, consents to reporting, and who claimed AMA PRA Category 1 Credit™ on a certificate
that is not revoked. Learners without consent are counted, never listed or exported.
"""

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from accounts.models import Profession
from certificates.models import CertificateStatus, CreditType
from courses.models import Course, Enrollment
from lms.spreadsheets import formula_guard
from reports import pars
from reports.models import ParsExportedCompletion
from reports.period import Period

_IS_PHYSICIAN = Q(user__profile__profession=Profession.PHYSICIAN)
_CONSENTS = Q(user__profile__reporting_consent=True)
_HAS_PHYSICIAN_CREDIT = Q(credit_claim__credit_type=CreditType.AMA_PRA_CATEGORY_1) & ~Q(
    certificate__status=CertificateStatus.REVOKED
)


@dataclass
class ParsPreview:
    course: Course
    period: Period
    include_exported: bool
    completions: int = 0
    not_physicians: int = 0
    without_consent: int = 0
    without_physician_credit: int = 0
    already_exported: int = 0
    learners: list[pars.ParsLearner] = field(default_factory=list)

    @property
    def not_reported_note(self) -> str:
        if self.course.is_reported_to_pars:
            return ""
        return (
            "This course is marked “not reported to PARS” in the course admin, so none of its completions "
            "go into a PARS file. Tick “reported to PARS” and enter its ACCME activity ID to report it."
        )

    @property
    def course_problems(self) -> list[str]:
        if self.not_reported_note:
            return [self.not_reported_note]
        if not self.course.accme_activity_id:
            return ["This course has no ACCME activity ID. Add its 9-digit PARS activity ID in the course admin."]
        return []

    @property
    def with_problems(self) -> list[pars.ParsLearner]:
        return [learner for learner in self.learners if learner.missing]

    @property
    def cme_only(self) -> list[pars.ParsLearner]:
        """Learners who named a board that will not hear of this completion, with why."""
        return [learner for learner in self.learners if learner.note]

    @property
    def ready(self) -> list[pars.ParsLearner]:
        """The completions the file will carry: complete records, not already sent unless asked."""
        return [
            learner
            for learner in self.learners
            if not learner.missing and (self.include_exported or not learner.already_exported)
        ]


def _completed_in(course: Course, period: Period):
    return Enrollment.objects.filter(course=course, completed_at__isnull=False, **period.moment_filter("completed_at"))


def pars_preview(*, course: Course, period: Period, include_exported: bool) -> ParsPreview:
    """The validation report: counts of who is left out and why, and every reportable learner."""
    if not course.is_reported_to_pars:
        return ParsPreview(course=course, period=period, include_exported=include_exported)
    completed = _completed_in(course, period)
    counts = completed.aggregate(
        completions=Count("pk"),
        not_physicians=Count("pk", filter=~_IS_PHYSICIAN | Q(user__profile__isnull=True)),
        without_consent=Count("pk", filter=_IS_PHYSICIAN & ~_CONSENTS),
        without_physician_credit=Count("pk", filter=_IS_PHYSICIAN & _CONSENTS & ~_HAS_PHYSICIAN_CREDIT),
    )
    registrations = {
        registration.board: pars.MocRegistration(
            board=registration.board, points=registration.points, credit_type=registration.get_credit_type_display()
        )
        for registration in course.moc_registrations.all()
    }
    exported = ParsExportedCompletion.objects.filter(enrollment_id=OuterRef("pk"))
    rows = (
        completed.filter(_IS_PHYSICIAN & _CONSENTS & _HAS_PHYSICIAN_CREDIT)
        .annotate(already_exported=Exists(exported))
        .order_by("user__profile__last_name", "user__profile__first_name", "pk")
        .values_list(
            "pk",
            "user__email",
            "user__profile__first_name",
            "user__profile__last_name",
            "user__profile__birth_month",
            "user__profile__birth_day",
            "user__profile__licence_state",
            "user__profile__licence_number",
            "user__profile__npi",
            "user__profile__certifying_board",
            "user__profile__board_id",
            "credit_claim__credits_claimed",
            "completed_at",
            "already_exported",
        )
    )
    learners = [
        pars.ParsLearner(
            enrollment_id=pk,
            email=email,
            first_name=first,
            last_name=last,
            birth_month=month,
            birth_day=day,
            licence_state=state,
            licence_number=licence,
            npi=npi,
            certifying_board=board,
            board_id=board_id,
            credits=credits,
            completed_on=course.completion_date(completed_at),
            already_exported=already,
            moc=registrations.get(board),
        )
        for (
            pk,
            email,
            first,
            last,
            month,
            day,
            state,
            licence,
            npi,
            board,
            board_id,
            credits,
            completed_at,
            already,
        ) in rows
    ]
    return ParsPreview(
        course=course,
        period=period,
        include_exported=include_exported,
        learners=learners,
        already_exported=sum(1 for learner in learners if learner.already_exported),
        **counts,
    )


def pars_rows(*, course: Course, learners: list[pars.ParsLearner]) -> Iterator[list[str]]:
    for learner in learners:
        yield pars.row(learner, activity_id=course.accme_activity_id)


# A field of the tab-delimited file can hold no tab or line break: each run of them becomes one space.
_FIELD_BREAKS = re.compile(r"[\t\r\n]+")
TAB_LINE_END = "\r\n"  # what Excel's "Text (Tab delimited)" save, ACCME's documented route, writes


def pars_tab(*, course: Course, learners: list[pars.ParsLearner]) -> bytes:
    """ACCME's tab-delimited learner batch file: UTF-8, no byte-order mark, one learner per
    CRLF-ended line, no header row (ACCME's tab-delimited instructions have the header row
    deleted before the file is saved)."""
    lines = []
    for values in pars_rows(course=course, learners=learners):
        fields = [_FIELD_BREAKS.sub(" ", formula_guard(value)) for value in values]
        lines.append("\t".join(fields) + TAB_LINE_END)
    return "".join(lines).encode("utf-8")


def pars_xlsx(*, course: Course, learners: list[pars.ParsLearner]):
    """The workbook in a temporary file, rewound for reading. openpyxl's write-only mode keeps
    one row in memory at a time; every cell is written as text, so an activity ID keeps its
    leading zeros, and through the same formula guard as every other export."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Learners")
    for values in [pars.COLUMNS, *pars_rows(course=course, learners=learners)]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=formula_guard(value))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    return handle
