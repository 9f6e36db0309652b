"""Courses, their CME facts, modules, quizzes and the learner's record of taking them.

Invariants that must hold whatever writes the rows (admin, importers, services) are
database constraints; the rules that need several rows at once (a publishable course)
live in `courses.selectors.course_publication_problems`. One module per part:
`courses` (the activity and its CME facts), `quizzes`, `learning` (a learner's record).
"""

from courses.models.courses import (
    ENDURING_MATERIAL_REVIEW_YEARS,
    ActivityFormat,
    Course,
    CourseMocRegistration,
    CourseQuerySet,
    CourseStatus,
    Disclosure,
    Faculty,
    FacultyRole,
    MocBoard,
    MocCreditType,
    Module,
    Topic,
    latest_expiry_date,
    validate_quarter_credits,
)
from courses.models.learning import (
    Answer,
    Attempt,
    Enrollment,
    EvaluationResponse,
    ModuleProgress,
)
from courses.models.quizzes import (
    POST_TEST_SETTING_FIELDS,
    EvaluationItem,
    EvaluationKind,
    GradingMethod,
    LateSubmissionPolicy,
    Option,
    Question,
    QuestionType,
    Quiz,
    QuizKind,
    ReviewPolicy,
)

__all__ = [
    "POST_TEST_SETTING_FIELDS",
    "ActivityFormat",
    "Answer",
    "Attempt",
    "Course",
    "CourseMocRegistration",
    "CourseQuerySet",
    "CourseStatus",
    "Disclosure",
    "ENDURING_MATERIAL_REVIEW_YEARS",
    "Enrollment",
    "EvaluationItem",
    "EvaluationKind",
    "EvaluationResponse",
    "Faculty",
    "FacultyRole",
    "GradingMethod",
    "LateSubmissionPolicy",
    "MocBoard",
    "MocCreditType",
    "Module",
    "ModuleProgress",
    "Option",
    "Question",
    "QuestionType",
    "Quiz",
    "QuizKind",
    "ReviewPolicy",
    "Topic",
    "latest_expiry_date",
    "validate_quarter_credits",
]
