"""The PARS learner-completion file: its columns, and the format of every value, in one place.

ACCME publishes the column list of its Excel learner batch template (CME/MOC); several
value formats are not publicly pinned down. Each of those is a named constant or function
below marked UNCONFIRMED, and docs/pars.md lists them, so that when ACCME's current
instructions confirm or correct one, this module is the only thing that changes.

What each learner must have follows the issue's rule: a certifying board needs the board
ID and month/day of birth; a state board needs the licensing state, a licence number or
NPI, and month/day of birth.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from accounts.models import US_STATES

RECORD_ACTION_ADD = "Add"

COLUMNS = [
    "Record Action",
    "ACCME Activity ID",
    "Completion Date",
    "First Name",
    "Last Name",
    "Date of Birth",
    "Licensing State",
    "Licensing ID or NPI",
    "Number of CME Credits",
    "Certifying Board",
    "Certifying Board ID",
    "Total Board Credits",
    "Credit Type",
    "Credits Awarded for Credit Type",
]

# The boards that take learner completions for MOC through PARS, by their PARS abbreviation.
PARS_BOARDS = ("ABA", "ABIM", "ABOHNS", "ABOS", "ABP", "ABPath", "ABS", "ABTS")

# UNCONFIRMED: the wording of each board's credit type in the template's "Credit Type"
# column. These are the names the boards use for the MOC component that an accredited
# CME activity with a post-test usually counts towards.
BOARD_CREDIT_TYPES = {
    "ABA": "Lifelong Learning",
    "ABIM": "Medical Knowledge",
    "ABOHNS": "Self-Assessment",
    "ABOS": "Self-Assessment",
    "ABP": "Lifelong Learning and Self-Assessment",
    "ABPath": "Lifelong Learning",
    "ABS": "Self-Assessment",
    "ABTS": "Self-Assessment",
}

# UNCONFIRMED: dates as text MM/DD/YYYY (the US form PARS shows on screen).
COMPLETION_DATE_FORMAT = "%m/%d/%Y"
# Month and day only, MM/DD: the year of birth is never collected.
BIRTH_DATE_FORMAT = "{month:02d}/{day:02d}"
# UNCONFIRMED: the licensing state as its two-letter USPS code ("OH"); set to False to
# write the state's name ("Ohio") instead.
STATE_AS_CODE = True
# UNCONFIRMED: when a learner has both, the state licence number is sent rather than the
# NPI, because state boards match on their own licence numbers.
PREFER_LICENCE_NUMBER_OVER_NPI = True

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

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def reports_to_board(self) -> bool:
        return self.certifying_board in PARS_BOARDS

    @property
    def reports_to_state(self) -> bool:
        # A learner with no PARS board can only be reported to a state board, so a record
        # with neither is asked for its state details.
        return bool(self.licence_state or self.licence_number) or not self.reports_to_board

    @property
    def has_birth_date(self) -> bool:
        return self.birth_month is not None and self.birth_day is not None

    @property
    def licence_or_npi(self) -> str:
        first, second = (self.licence_number, self.npi) if PREFER_LICENCE_NUMBER_OVER_NPI else (self.npi,
                                                                                              self.licence_number)
        return first or second

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
            if not self.licence_or_npi.strip():
                missing.append(MISSING_LICENCE_OR_NPI)
        if not self.has_birth_date:
            missing.append(MISSING_BIRTH_DATE)
        return missing

    @property
    def note(self) -> str:
        """Why a board the learner named is left out of the file, if it is."""
        if self.certifying_board and not self.reports_to_board:
            return f"{self.certifying_board} does not take reports through PARS; only state credit is reported."
        return ""


def row(learner: ParsLearner, *, activity_id: str) -> list[str]:
    """The learner's line in the PARS file, in COLUMNS order, every value as text."""
    credits = format_credits(learner.credits)
    on_board = learner.reports_to_board
    on_state = learner.reports_to_state
    return [
        RECORD_ACTION_ADD,
        activity_id,
        format_completion_date(learner.completed_on),
        learner.first_name.strip(),
        learner.last_name.strip(),
        format_birth_date(learner.birth_month, learner.birth_day),
        format_state(learner.licence_state) if on_state else "",
        learner.licence_or_npi.strip() if on_state else "",
        credits,
        learner.certifying_board if on_board else "",
        learner.board_id.strip() if on_board else "",
        # UNCONFIRMED: board credits equal the CME credits claimed (one MOC point per credit).
        credits if on_board else "",
        BOARD_CREDIT_TYPES[learner.certifying_board] if on_board else "",
        credits if on_board else "",
    ]
