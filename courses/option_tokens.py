"""What a post-test page sends for an option: a token, never the option's database id.

Option ids follow authored order, and authors tend to write the correct option first, so ids
in the page were an answer key ("always pick the smallest value" passed the demo post-tests).
A token is an HMAC of the attempt and the option under the site's secret: it is unordered,
differs from one attempt to the next, and cannot be computed by the learner, whether or not
the quiz shuffles its options. The server maps a token back to its option within the
question's frozen draw; the services and the stored answers keep working with option ids."""

import base64
from collections.abc import Mapping

from django.conf import settings
from django.utils.crypto import salted_hmac

from courses.errors import InvalidSubmission
from courses.models import Attempt

_SALT = "courses.option_tokens.attempt-option"
# 12 base32 characters are 60 bits: no learner guesses one, and two options of one question
# never share one in practice.
TOKEN_LENGTH = 12


def option_token(*, attempt_id: int, option_id: int, secret: str | None = None) -> str:
    digest = salted_hmac(_SALT, f"{attempt_id}:{option_id}", secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest)[:TOKEN_LENGTH].decode("ascii").lower()


def option_ids_from_tokens(*, attempt: Attempt, posted: Mapping[int, list[str]]) -> dict[int, list[int]]:
    """The option ids the learner chose, question by question; anything that is not a token of
    this question's options in this attempt is an InvalidSubmission and nothing is kept."""
    options_by_question = {entry["question"]: entry["options"] for entry in attempt.layout}
    # Tokens from a page served before the secret was rotated still count (Django's fallbacks);
    # the current secret is applied last so it wins any clash.
    secrets = [*reversed(settings.SECRET_KEY_FALLBACKS), settings.SECRET_KEY]
    chosen: dict[int, list[int]] = {}
    for question_id, tokens in posted.items():
        if question_id not in options_by_question:
            raise InvalidSubmission(f"Question {question_id} is not part of this attempt.")
        by_token = {
            option_token(attempt_id=attempt.pk, option_id=option_id, secret=secret): option_id
            for secret in secrets
            for option_id in options_by_question[question_id]
        }
        try:
            chosen[question_id] = [by_token[token] for token in tokens]
        except KeyError as error:
            raise InvalidSubmission(
                f"An answer to question {question_id} is not one of the options shown in this attempt."
            ) from error
    return chosen
