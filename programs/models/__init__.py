from programs.models.applications import (
    SEAT_HOLDING_STATUSES,
    SUPPORT_LETTER_DIR,
    SUPPORT_LETTER_MAX_BYTES,
    Application,
    ApplicationStatus,
)
from programs.models.demographics import SelfIdentification, UrimAnswer
from programs.models.programs import (
    DEFAULT_ATTENDANCE_REQUIRED_PERCENT,
    PROGRAM_DIRECTORS_GROUP,
    Cohort,
    Institution,
    Participant,
    ParticipantStatus,
    Program,
)
from programs.models.sessions import (
    CHECK_IN_CLOSES_AFTER,
    CHECK_IN_OPENS_BEFORE,
    Attendance,
    AttendanceMethod,
    CurriculumItem,
    LiveSession,
)

__all__ = [
    "CHECK_IN_CLOSES_AFTER",
    "CHECK_IN_OPENS_BEFORE",
    "DEFAULT_ATTENDANCE_REQUIRED_PERCENT",
    "PROGRAM_DIRECTORS_GROUP",
    "SEAT_HOLDING_STATUSES",
    "SUPPORT_LETTER_DIR",
    "SUPPORT_LETTER_MAX_BYTES",
    "Application",
    "ApplicationStatus",
    "Attendance",
    "AttendanceMethod",
    "Cohort",
    "CurriculumItem",
    "Institution",
    "LiveSession",
    "Participant",
    "ParticipantStatus",
    "Program",
    "SelfIdentification",
    "UrimAnswer",
]
