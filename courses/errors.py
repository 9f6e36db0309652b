"""Domain errors raised by course services; views turn them into a message and a status."""


class CourseError(Exception):
    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidSubmission(CourseError):
    """The request names questions or options that are not part of the attempt, or is malformed."""

    status_code = 400


class EvaluationIncomplete(InvalidSubmission):
    """Some evaluation questions were left unanswered or answered out of range; `problems`
    maps each such item's id to what is wrong with it, so the page can say it by the question."""

    def __init__(self, problems: dict[int, str]):
        count = len(problems)
        super().__init__(
            f"{count} question{'' if count == 1 else 's'} of the evaluation need{'s' if count == 1 else ''} an answer."
        )
        self.problems = problems


class NotAllowedYet(CourseError):
    """A step taken out of order: a locked module, the post-test before the modules, …"""

    status_code = 403


class Conflict(CourseError):
    """The state moved on: a closed attempt, a second submit, an exhausted attempt limit."""

    status_code = 409


class CoursePublishError(CourseError):
    def __init__(self, problems: list[str]):
        super().__init__("This course cannot be published yet: " + "; ".join(problems))
        self.problems = problems


class GradedContentLocked(CourseError):
    """Editing what is graded after learners submitted attempts would rewrite their history."""

    status_code = 409


GRADED_FIELDS_LOCKED = (
    "Learners have already submitted attempts at this post-test; graded fields are locked so their scores stay true."
)
QUESTION_CHANGE_REFUSED = GRADED_FIELDS_LOCKED + " Add a new question instead of changing this one."
QUESTION_DELETE_REFUSED = GRADED_FIELDS_LOCKED + " Questions cannot leave the bank now; add a new question instead."
DRAW_COUNT_REFUSED = GRADED_FIELDS_LOCKED + " The number of questions drawn per attempt can no longer change."


class CourseExpired(CourseError):
    """The activity's expiry date has passed: credit can no longer be earned from it."""

    status_code = 403

    def __init__(self, expiry_date):
        super().__init__(
            f"This activity expired on {expiry_date:%B} {expiry_date.day}, {expiry_date.year}: its post-test is "
            "closed and no new credit can be claimed. Certificates you have already earned stay available."
        )
        self.expiry_date = expiry_date
