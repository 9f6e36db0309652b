"""The PARS learner-completion file: its columns, and the format of every value, in one place.

ACCME publishes the column list of its Excel learner batch template (CME/MOC); several
value formats are not publicly pinned down. Each of those is a named constant or function
below marked UNCONFIRMED, and docs/pars.md lists them, so that when ACCME's current
instructions confirm or correct one, this module is the only thing that changes.

What each learner must have: a certifying board needs the board ID and month/day of birth;
a state board needs the licensing state, a licence number or NPI, and month/day of birth.
A learner is reported to their board only when the activity is registered for that board's
MOC program (`courses.CourseMocRegistration`); the MOC columns carry that registration's
credit type and points, never a copy of the CME credit.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import US_STATES
from courses.models import MocBoard

RECORD_ACTION_ADD = "Add"

COLUMNS = [
    "Record Action",
    "ACCME Activity ID",
    "Completion Date",
    "First Name",
    "Last Name",
    "Date of Birth",
    "Licensing State",
    "Licensing ID",
    "NPI",
    "Number of CME Credits",
    "Certifying Board",
    "Certifying Board ID",
    "Total Board Credits",
    "Credit Type",
    "Credits Awarded for Credit Type",
]

# The boards that take learner completions for MOC through PARS, by their PARS abbreviation.
PARS_BOARDS = tuple(MocBoard.values)
# ABP awards no partial credit: a diplomate is reported only with the activity's full MOC
# points (ACCME, "Can I report partial credit for participants that have not earned the
# maximum amount of credit available for the ABP MOC activity?", 2016: "No").
FULL_POINTS_ONLY_BOARDS = (MocBoard.ABP,)

# UNCONFIRMED: dates as text MM/DD/YYYY (the US form PARS shows on screen).
COMPLETION_DATE_FORMAT = "%m/%d/%Y"
# Month and day only, MM/DD: the year of birth is never collected.
BIRTH_DATE_FORMAT = "{month:02d}/{day:02d}"
# UNCONFIRMED: the licensing state as its two-letter USPS code ("OH"); set to False to
# write the state's name ("Ohio") instead.
STATE_AS_CODE = True
_STATE_NAMES = dict(US_STATES)

# What the validation report calls each missing value.
MISSING_BOARD_ID = "certifying board ID"
MISSING_BIRTH_DATE = "month and day of birth"
MISSING_STATE = "licensing state"
MISSING_LICENCE_OR_NPI = "licence number or NPI"
MISSING_FIRST_NAME = "first name"
MISSING_LAST_NAME = "last name"


def format_completion_date(value: date) -> str:
    return value.strftime(COMPLETION_DATE_FORMAT)


def format_birth_date(month: int | None, day: int | None) -> str:
    if month is None or day is None:
        return ""
    return BIRTH_DATE_FORMAT.format(month=month, day=day)


def format_state(code: str) -> str:
    if not code:
        return ""
    return code if STATE_AS_CODE else _STATE_NAMES.get(code, code)


def format_credits(value: Decimal) -> str:
    """Credits in quarter steps with two decimals: 1.25, 1.50, 2.00."""
    return f"{value:.2f}"


@dataclass(frozen=True)
class MocRegistration:
    """What the activity is registered for with one board: the credit type's wording and the points."""

    board: str
    credit_type: str
    points: Decimal


def moc_points(*, registration: MocRegistration, credits_claimed: Decimal) -> Decimal:
    """The MOC points a learner's completion carries to their board.

    ABP takes the activity's full points or nothing. The other boards accept points that
    follow the credit the learner claimed ("commensurate with participation"), up to what
    the activity is registered for; a learner who claimed 0.5 of 2 credits earns 0.5 points.
    """
    if registration.board in FULL_POINTS_ONLY_BOARDS:
        return registration.points
    return min(credits_claimed, registration.points)


@dataclass(frozen=True)
class ParsLearner:
    """One reportable completion: the learner's profile as it is now and the credit claimed."""

    enrollment_id: int
    email: str
    first_name: str
    last_name: str
    birth_month: int | None
    birth_day: int | None
    licence_state: str
    licence_number: str
    npi: str
    certifying_board: str
    board_id: str
    credits: Decimal
    completed_on: date
    already_exported: bool = False
    # The course's registration with the learner's board, if there is one.
    moc: MocRegistration | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def reports_to_board(self) -> bool:
        return self.moc is not None and self.moc.board == self.certifying_board

    @property
    def reports_to_state(self) -> bool:
        # A learner not reported to a board (none named, not a PARS board, or one this
        # activity is not registered with) can only be reported to a state board, so such a
        # record is asked for its state details.
        return bool(self.licence_state or self.licence_number) or not self.reports_to_board

    @property
    def has_birth_date(self) -> bool:
        return self.birth_month is not None and self.birth_day is not None

    @property
    def missing(self) -> list[str]:
        """Everything this learner's board or state needs and the profile lacks."""
        missing = []
        if not self.first_name.strip():
            missing.append(MISSING_FIRST_NAME)
        if not self.last_name.strip():
            missing.append(MISSING_LAST_NAME)
        if self.reports_to_board and not self.board_id.strip():
            missing.append(MISSING_BOARD_ID)
        if self.reports_to_state:
            if not self.licence_state:
                missing.append(MISSING_STATE)
            if not (self.licence_number.strip() or self.npi.strip()):
                missing.append(MISSING_LICENCE_OR_NPI)
        if not self.has_birth_date:
            missing.append(MISSING_BIRTH_DATE)
        return missing

    @property
    def note(self) -> str:
        """Why a board the learner named is left out of the file, if it is."""
        if self.certifying_board and self.certifying_board not in PARS_BOARDS:
            return f"{self.certifying_board} does not take reports through PARS; only state credit is reported."
        if self.certifying_board and not self.reports_to_board:
            return f"This activity is not registered for {self.certifying_board} MOC; only state credit is reported."
        return ""


def row(learner: ParsLearner, *, activity_id: str) -> list[str]:
    """The learner's line in the PARS file, in COLUMNS order, every value as text."""
    on_state = learner.reports_to_state
    moc = learner.moc if learner.reports_to_board else None
    points = format_credits(moc_points(registration=moc, credits_claimed=learner.credits)) if moc else ""
    return [
        RECORD_ACTION_ADD,
        activity_id,
        format_completion_date(learner.completed_on),
        learner.first_name.strip(),
        learner.last_name.strip(),
        format_birth_date(learner.birth_month, learner.birth_day),
        format_state(learner.licence_state) if on_state else "",
        learner.licence_number.strip() if on_state else "",
        learner.npi.strip() if on_state else "",
        format_credits(learner.credits),
        moc.board if moc else "",
        learner.board_id.strip() if moc else "",
        points,
        moc.credit_type if moc else "",
        points,
    ]
